using System.Globalization;

namespace Sluice.Connectors.Http.Client;

/// <summary>
/// Durations as the rest of Sluice writes them (<c>500ms</c>, <c>30s</c>, <c>5m</c>, <c>1h</c> or
/// <c>hh:mm:ss</c>). Core's parser is internal to it, so this mirrors its formats.
/// </summary>
internal static class Durations
{
    public static TimeSpan? TryParse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        text = text.Trim();
        (string Suffix, Func<double, TimeSpan> Make)[] units =
        [
            ("ms", TimeSpan.FromMilliseconds), ("s", TimeSpan.FromSeconds), ("m", TimeSpan.FromMinutes), ("h", TimeSpan.FromHours),
        ];
        foreach (var (suffix, make) in units)
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase)
                && double.TryParse(text[..^suffix.Length], NumberStyles.Float, CultureInfo.InvariantCulture, out var amount)
                && amount >= 0)
            {
                return make(amount);
            }
        }

        return TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out var span) && span >= TimeSpan.Zero ? span : null;
    }

    /// <summary>Reads a duration option, failing with its location when it is not one.</summary>
    public static TimeSpan Read(ConnectorOptions options, string name, TimeSpan fallback)
    {
        var text = options.GetString(name);
        if (text is null)
        {
            return fallback;
        }

        return TryParse(text) ?? throw new NonRetryableException($"{options.LocationOf(name)}: option '{name}' must be a duration such as 500ms, 30s or 2m (got '{text}').");
    }
}
