using System.Globalization;
using System.Text;
using Sluice.Alerts.Incidents;

namespace Sluice.Alerts.Delivery;

/// <summary>Whether a message opens an incident or says it has cleared.</summary>
internal enum AlertState
{
    Triggered,
    Resolved,
}

/// <summary>
/// One message about one incident, as every channel renders it. Its texts are masked already; channels
/// only lay them out.
/// </summary>
internal sealed record AlertMessage
{
    public required string IncidentKey { get; init; }
    public required AlertState State { get; init; }
    public required string Pipeline { get; init; }
    public required string Kind { get; init; }
    public required string Subject { get; init; }
    public required AlertSeverity Severity { get; init; }

    /// <summary>One line: what happened, to what, for how many intervals.</summary>
    public required string Summary { get; init; }

    /// <summary>The whole error or observation of the first occurrence.</summary>
    public required string Details { get; init; }

    /// <summary>Every affected interval, oldest first.</summary>
    public required IReadOnlyList<DateOnly> Intervals { get; init; }

    public required IReadOnlyList<long> Runs { get; init; }
    public required DateTimeOffset FirstSeen { get; init; }
    public required DateTimeOffset LastSeen { get; init; }
    public required int Occurrences { get; init; }

    public string StateName => State == AlertState.Triggered ? "triggered" : "resolved";

    /// <summary>A subject line: severity or RESOLVED, then the summary.</summary>
    public string Title => State == AlertState.Triggered
        ? $"[Sluice {Severity.Name().ToUpperInvariant()}] {Summary}"
        : $"[Sluice RESOLVED] {Summary}";

    /// <summary>Plain text for email and chat: the details, the intervals, the incident key.</summary>
    public string Body()
    {
        var text = new StringBuilder();
        if (State == AlertState.Resolved)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Cleared: every affected interval has succeeded since. It had failed {Occurrences} time(s).");
        }

        text.AppendLine(Details);
        if (Intervals.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Intervals ({Intervals.Count}): {IntervalRanges.Describe(Intervals)}");
        }

        if (Runs.Count > 0)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"Runs: {string.Join(", ", Runs)}");
        }

        text.Append(CultureInfo.InvariantCulture, $"Incident: {IncidentKey}");
        return text.ToString();
    }
}
