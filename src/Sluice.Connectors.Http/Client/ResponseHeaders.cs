using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Connectors.Http.Client;

/// <summary>The response headers pagination and retries read: <c>Link</c> (RFC 8288/5988) and <c>Retry-After</c>.</summary>
internal static partial class ResponseHeaders
{
    /// <summary>The target of the <c>rel="next"</c> link among Link header values, if any.</summary>
    public static string? NextLink(IEnumerable<string> linkHeaders)
    {
        foreach (var header in linkHeaders)
        {
            foreach (Match link in LinkValue().Matches(header))
            {
                var parameters = link.Groups["params"].Value;
                foreach (Match rel in RelParameter().Matches(parameters))
                {
                    var relations = (rel.Groups["quoted"].Success ? rel.Groups["quoted"].Value : rel.Groups["bare"].Value)
                        .Split(' ', StringSplitOptions.RemoveEmptyEntries);
                    if (relations.Contains("next", StringComparer.OrdinalIgnoreCase))
                    {
                        return link.Groups["target"].Value.Trim();
                    }
                }
            }
        }

        return null;
    }

    /// <summary>
    /// How long a Retry-After header asks to wait: delay-seconds or an HTTP-date (relative to
    /// <paramref name="now"/>); null when absent or unreadable.
    /// </summary>
    public static TimeSpan? RetryAfter(string? value, DateTimeOffset now)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            return null;
        }

        value = value.Trim();
        if (double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds))
        {
            return seconds >= 0 ? TimeSpan.FromSeconds(seconds) : null;
        }

        if (DateTimeOffset.TryParseExact(value, "r", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var date)
            || DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out date))
        {
            var wait = date - now;
            return wait > TimeSpan.Zero ? wait : TimeSpan.Zero;
        }

        return null;
    }

    // <target>; param; param, <target>; ... — a comma inside <...> belongs to the URL.
    [GeneratedRegex(@"<(?<target>[^>]*)>(?<params>[^,<]*)")]
    private static partial Regex LinkValue();

    [GeneratedRegex(@";\s*rel\s*=\s*(?:""(?<quoted>[^""]*)""|(?<bare>[^\s;,]+))", RegexOptions.IgnoreCase)]
    private static partial Regex RelParameter();
}
