using System.Text;
using System.Text.RegularExpressions;

namespace Sluice.Connectors.Http.Client;

/// <summary>
/// URLs and bodies as errors and logs may show them. Values of credential-like query parameters
/// (token, key, secret, signature...) and any user:password part are replaced, so a message never
/// carries a credential even when it did not come from ${VAR} (which the executor masks anyway).
/// </summary>
internal static partial class SafeUrl
{
    public static bool IsSensitive(string name) => SensitiveName().IsMatch(name);

    public static string Describe(Uri url)
    {
        var text = new StringBuilder().Append(url.Scheme).Append("://").Append(url.Host);
        if (!url.IsDefaultPort)
        {
            text.Append(':').Append(url.Port);
        }

        text.Append(url.AbsolutePath);
        var query = url.Query.TrimStart('?');
        if (query.Length > 0)
        {
            text.Append('?').Append(string.Join('&', query.Split('&').Select(Redact)));
        }

        return text.ToString();
    }

    /// <summary>The start of a body, on one line, for an error message.</summary>
    public static string Excerpt(ReadOnlySpan<byte> body, int maxChars = 200)
    {
        if (body.IsEmpty)
        {
            return "(empty body)";
        }

        var text = Encoding.UTF8.GetString(body[..Math.Min(body.Length, maxChars * 4)]);
        text = Whitespace().Replace(text, " ").Trim();
        return text.Length <= maxChars ? text : text[..maxChars] + "...";
    }

    private static string Redact(string pair)
    {
        var equals = pair.IndexOf('=', StringComparison.Ordinal);
        if (equals < 0)
        {
            return pair;
        }

        var name = Uri.UnescapeDataString(pair[..equals]);
        return IsSensitive(name) ? pair[..equals] + "=***" : pair;
    }

    [GeneratedRegex("token|key|secret|password|passwd|pwd|auth|signature|^sig$|credential|session", RegexOptions.IgnoreCase)]
    private static partial Regex SensitiveName();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
