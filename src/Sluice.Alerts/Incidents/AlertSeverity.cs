namespace Sluice.Alerts.Incidents;

/// <summary>How urgent an incident is; routes send an incident to channels that accept at least its severity.</summary>
internal enum AlertSeverity
{
    Warning,
    Error,
    Critical,
}

internal static class AlertSeverities
{
    public static IReadOnlyList<string> Names { get; } = ["warning", "error", "critical"];

    /// <summary>Reads a severity as routes write it, and as checks write theirs (<c>warn</c>).</summary>
    public static AlertSeverity? Parse(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        "warning" or "warn" => AlertSeverity.Warning,
        "error" => AlertSeverity.Error,
        "critical" => AlertSeverity.Critical,
        _ => null,
    };

    public static string Name(this AlertSeverity severity) => Names[(int)severity];
}
