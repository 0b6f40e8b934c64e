namespace Sluice.Connectors.Http.Client;

/// <summary>
/// Puts credentials on a request only when it goes to the origin they belong to. The connection's
/// bearer token, Basic pair and headers belong to its base_url's origin (or, without a base_url, to
/// the task's url); the task's own headers belong to the task's url. Any other origin (a next link,
/// a Link header or a redirect chosen by the server, a templated url) gets the request without
/// them, and the run log says so once per origin: a hostile or compromised API only has to name
/// another host to collect whatever is sent there.
/// </summary>
internal sealed class RequestCredentials
{
    private readonly HttpClientSettings _settings;
    private readonly Origin _connection;
    private readonly Origin _task;
    private readonly string _connectionSource;
    private readonly Action<string> _log;
    private readonly HashSet<Origin> _reported = [];

    public RequestCredentials(HttpClientSettings settings, Uri taskUrl, Action<string> log)
    {
        _settings = settings;
        _connection = settings.CredentialOrigin(taskUrl);
        _task = Origin.Of(taskUrl);
        _connectionSource = settings.BaseUrl is null ? "the task's url" : "base_url";
        _log = log;
    }

    private bool HasConnectionCredentials => _settings.Authorization is not null || _settings.Headers.Count > 0 || _settings.Query.Count > 0;

    /// <summary>Adds the credentials and headers that <paramref name="request"/>'s origin may receive.</summary>
    public void Apply(HttpRequestMessage request, IReadOnlyList<KeyValuePair<string, string>> taskHeaders)
    {
        var url = request.RequestUri!;
        var toConnection = _connection.Matches(url);
        var toTask = _task.Matches(url);
        if (toConnection)
        {
            request.Headers.Authorization = _settings.Authorization;
            Add(request, _settings.Headers);
        }

        if (toTask)
        {
            Add(request, taskHeaders);
        }

        if ((!toConnection && HasConnectionCredentials) || (!toTask && taskHeaders.Count > 0))
        {
            Report(Origin.Of(url));
        }
    }

    /// <summary>Why a request to <paramref name="url"/> carried no credentials, for an authentication error; empty when it did.</summary>
    public string Withheld(Uri url) => _connection.Matches(url) || !HasConnectionCredentials
        ? string.Empty
        : $" The connection's credentials were not sent: {Origin.Of(url)} is not the connection's origin {_connection} ({_connectionSource}).";

    private void Report(Origin target)
    {
        lock (_reported)
        {
            if (!_reported.Add(target))
            {
                return;
            }
        }

        _log($"credentials not sent to {target}: it is not the connection's origin {_connection} ({_connectionSource}); the request goes without the bearer token, Basic pair, connection and task headers and connection query parameters.");
    }

    private static void Add(HttpRequestMessage request, IReadOnlyList<KeyValuePair<string, string>> headers)
    {
        foreach (var (name, value) in headers)
        {
            request.Headers.Remove(name);
            if (!request.Headers.TryAddWithoutValidation(name, value) && request.Content is not null)
            {
                request.Content.Headers.Remove(name);
                request.Content.Headers.TryAddWithoutValidation(name, value);
            }
        }
    }
}
