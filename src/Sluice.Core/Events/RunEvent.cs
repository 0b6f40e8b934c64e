using System.Text.Json.Nodes;

namespace Sluice.Events;

/// <summary>
/// One fact about a run, appended to the event log: a task changed state, rows were written, a check
/// failed, a contract drifted, an alert was delivered. Progress views, alerts, metrics and the CLI all
/// read these instead of each keeping its own record. Secrets are masked before an event is written.
/// </summary>
public sealed record RunEvent
{
    /// <summary>Assigned by the log when the event is appended; increases monotonically.</summary>
    public long Id { get; init; }

    /// <summary>When it happened, from the host's <see cref="TimeProvider"/>.</summary>
    public required DateTimeOffset Timestamp { get; init; }

    /// <summary>One of <see cref="EventTypes"/>.</summary>
    public required string Type { get; init; }

    public string? Pipeline { get; init; }

    /// <summary>The run it belongs to, where there is one (an SLA miss may have none yet).</summary>
    public long? RunId { get; init; }

    /// <summary>The logical date of the data interval, where there is one.</summary>
    public DateOnly? LogicalDate { get; init; }

    public string? TaskId { get; init; }

    /// <summary>A small JSON object whose fields depend on <see cref="Type"/> (see docs/events.md).</summary>
    public JsonObject Payload { get; init; } = [];

    /// <summary>A payload field as text, or null when absent.</summary>
    public string? Text(string field) => Payload.TryGetPropertyValue(field, out var node) && node is not null ? node.ToString() : null;

    /// <summary>A payload field as a number, or null when absent or not a number.</summary>
    public long? Number(string field) =>
        Payload.TryGetPropertyValue(field, out var node) && node is JsonValue value
            && long.TryParse(value.ToJsonString(), System.Globalization.NumberStyles.Integer, System.Globalization.CultureInfo.InvariantCulture, out var number)
            ? number
            : null;
}
