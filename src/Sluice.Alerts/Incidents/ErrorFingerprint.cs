using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace Sluice.Alerts.Incidents;

/// <summary>
/// Reduces an error to what stays the same when the same fault recurs: dates, times, ids, counts and
/// durations are replaced, so "no file for 2024-03-01" and "no file for 2024-03-02" are one incident.
/// </summary>
internal static partial class ErrorFingerprint
{
    public static string Of(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return string.Empty;
        }

        var normalized = Guid().Replace(text, "<id>");
        normalized = DateOrTime().Replace(normalized, "<t>");
        normalized = LongHex().Replace(normalized, "<id>");
        normalized = Number().Replace(normalized, "<n>");
        normalized = Whitespace().Replace(normalized, " ").Trim().ToLowerInvariant();
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(normalized));
        return Convert.ToHexStringLower(hash)[..10];
    }

    [GeneratedRegex(@"[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"\d{4}-?\d{2}-?\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?|\d{1,2}:\d{2}(:\d{2}(\.\d+)?)?")]
    private static partial Regex DateOrTime();

    [GeneratedRegex(@"\b(0x)?[0-9a-fA-F]{8,}\b")]
    private static partial Regex LongHex();

    [GeneratedRegex(@"\d+(\.\d+)?")]
    private static partial Regex Number();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
