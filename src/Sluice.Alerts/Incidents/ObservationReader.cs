using Sluice.Events;

namespace Sluice.Alerts.Incidents;

/// <summary>Turns the events the router reads into occurrences and clearances. Every other event is ignored.</summary>
internal static class ObservationReader
{
    /// <summary>The event types that can open or clear an incident, so the router reads no others.</summary>
    public static IReadOnlyList<string> Types { get; } =
    [
        EventTypes.TaskStateChanged, EventTypes.RunFinished, EventTypes.CheckResult, EventTypes.ContractDrift,
        EventTypes.Anomaly, EventTypes.EmptyInterval, EventTypes.SlaMissed,
    ];

    public static Observation? Read(RunEvent e)
    {
        if (e.Pipeline is not { Length: > 0 } pipeline)
        {
            return null;
        }

        Occurrence Occur(string kind, string subject, string fingerprint, AlertSeverity severity, string headline, string details) =>
            new(e.Id, pipeline, e.LogicalDate, e.RunId, e.Timestamp, kind, subject, fingerprint, SeverityOf(e) ?? severity, headline, details) { TaskId = e.TaskId };

        switch (e.Type)
        {
            case EventTypes.TaskStateChanged when e.TaskId is { } task:
                // Only the final state counts: attempts that will be retried go to up_for_retry, not failed.
                return State(e.Text("to")) switch
                {
                    "failed" => Occur(IncidentKinds.TaskFailed, task, ErrorFingerprint.Of(e.Text("error")), AlertSeverity.Error, $"task '{task}' failed", e.Text("error") ?? "(no error text)"),
                    "success" => new Cleared(e.Id, pipeline, e.LogicalDate, e.RunId, e.Timestamp, IncidentKinds.TaskFailed, task),
                    _ => null,
                };
            case EventTypes.RunFinished:
                return State(e.Text("state")) switch
                {
                    "success" => new RunEnded(e.Id, pipeline, e.LogicalDate, e.RunId, e.Timestamp, true, null),
                    "failed" or "abandoned" => new RunEnded(e.Id, pipeline, e.LogicalDate, e.RunId, e.Timestamp, false, e.Text("error") ?? $"the run ended {e.Text("state")}"),
                    _ => null,
                };
            case EventTypes.CheckResult:
                var check = $"{e.Text("dataset") ?? "?"}.{e.Text("check") ?? "?"}";
                return e.Text("outcome")?.ToLowerInvariant() switch
                {
                    "fail" or "error" => Occur(IncidentKinds.CheckFailed, check, string.Empty, AlertSeverities.Parse(e.Text("severity")) ?? AlertSeverity.Error, $"check '{e.Text("check")}' on '{e.Text("dataset")}' failed", CheckDetails(e)),
                    "pass" => new Cleared(e.Id, pipeline, e.LogicalDate, e.RunId, e.Timestamp, IncidentKinds.CheckFailed, check),
                    _ => null,
                };
            case EventTypes.ContractDrift when string.Equals(e.Text("severity"), "info", StringComparison.OrdinalIgnoreCase):
                // A change the pipeline absorbed by design (a CDC mirror evolving with its source): recorded, not alerted.
                return null;
            case EventTypes.ContractDrift:
                var dataset = e.Text("dataset") ?? "?";
                var diff = e.Text("summary") ?? e.Payload.ToJsonString();
                return Occur(IncidentKinds.ContractDrift, dataset, ErrorFingerprint.Of(diff), AlertSeverity.Error, $"the contract of '{dataset}' drifted", diff);
            case EventTypes.EmptyInterval:
                var policy = e.Text("policy")?.ToLowerInvariant() ?? "warn";
                var empty = e.Text("dataset") ?? e.TaskId ?? "?";
                return policy == "ok"
                    ? null
                    : Occur(IncidentKinds.EmptyInterval, empty, string.Empty, policy == "fail" ? AlertSeverity.Error : AlertSeverity.Warning, $"'{empty}' got no rows", $"'{empty}' had no rows for its interval (on_empty: {policy}).");
            case EventTypes.Anomaly:
                // One incident per metric of each dataset: rows of 'orders' and rows of 'refunds' are different faults.
                var metric = e.Text("dataset") is { Length: > 0 } metricOf ? $"{metricOf}.{e.Text("metric") ?? "?"}" : e.Text("metric") ?? "?";
                return Occur(IncidentKinds.Anomaly, metric, string.Empty, AlertSeverity.Warning, $"metric '{metric}' is outside its usual range",
                    $"'{metric}' is {e.Text("value")}; expected {e.Text("low")} to {e.Text("high")} from {e.Text("history")} earlier intervals ({e.Text("method") ?? "baseline"}).");
            case EventTypes.SlaMissed:
                var sla = e.Text("kind") ?? "deadline";
                return Occur(IncidentKinds.SlaMissed, sla, string.Empty, AlertSeverity.Error, $"missed its SLA ({sla})", $"deadline {e.Text("deadline")}, late by {e.Text("late_by")}.");
            default:
                return null;
        }
    }

    /// <summary>A run failure without anything more specific in the same run.</summary>
    public static Occurrence RunFailure(RunEnded run) =>
        new(run.EventId, run.Pipeline, run.Date, run.RunId, run.At, IncidentKinds.RunFailed, "run", ErrorFingerprint.Of(run.Error), AlertSeverity.Error, "the run failed", run.Error ?? "(no error text)");

    private static string CheckDetails(RunEvent e) =>
        string.Join(" ", new[] { e.Text("message"), e.Text("observed") is { } observed ? $"Observed: {observed}." : null }.Where(t => t is not null));

    private static AlertSeverity? SeverityOf(RunEvent e) => e.Type == EventTypes.CheckResult ? null : AlertSeverities.Parse(e.Text("severity"));

    /// <summary>States are written in snake_case; read them leniently.</summary>
    private static string? State(string? text) => text?.Trim().ToLowerInvariant().Replace("_", string.Empty, StringComparison.Ordinal) switch
    {
        "failed" => "failed",
        "success" or "succeeded" => "success",
        "abandoned" => "abandoned",
        var other => other,
    };
}
