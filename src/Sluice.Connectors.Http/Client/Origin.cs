namespace Sluice.Connectors.Http.Client;

/// <summary>
/// Scheme, host and port of a URL: the unit credentials are bound to. A token for
/// https://api.example.com must not reach http://api.example.com (readable on the wire), another
/// port (another service) or another host, whoever wrote the URL.
/// </summary>
internal sealed record Origin(string Scheme, string Host, int Port)
{
    public static Origin Of(Uri url) => new(url.Scheme.ToLowerInvariant(), url.IdnHost.ToLowerInvariant(), url.Port);

    public bool Matches(Uri url) => Equals(Of(url));

    public override string ToString() => new UriBuilder(Scheme, Host, Port).Uri.GetLeftPart(UriPartial.Authority);
}
