using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Events;
using Sluice.State;

namespace Sluice.Reporting;

/// <summary>
/// The machine-readable account of one run (docs/metrics.md#the-run-report): its interval, state and
/// timings, each task's state, attempts, duration and rows, and the checks, drift, anomalies, alerts and
/// errors its events recorded. Built from the run history and the event log alone, so any process can
/// write it again later; everything in it was masked before it was recorded.
/// </summary>
public static class RunReport
{
    /// <summary>The value of the report's <c>schema</c> field; it changes only when a field changes meaning or goes away.</summary>
    public const string Schema = "sluice.run-report/1";

    /// <summary>Where a run's report is kept: <c>&lt;state&gt;/reports/&lt;pipeline&gt;/&lt;logical date&gt;/run-&lt;id&gt;.json</c>.</summary>
    public static string DefaultPath(string stateDirectory, RunRecord run) =>
        Path.Combine(stateDirectory, "reports", run.Pipeline, run.LogicalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), $"run-{run.Id}.json");

    /// <summary>Reads a finished run, its tasks, its events and the alerts that name it, and builds its report; null for an unknown run.</summary>
    public static async Task<JsonObject?> LoadAsync(IMetadataStore store, IEventLog? log, long runId, CancellationToken cancellationToken)
    {
        if (await store.GetRunAsync(runId, cancellationToken) is not { } run)
        {
            return null;
        }

        var tasks = await store.ListTasksAsync(runId, cancellationToken);
        var events = log is null ? [] : await ReadAllAsync(log, new EventQuery { RunId = runId }, cancellationToken);
        var alerts = log is null ? [] : await AlertsAboutAsync(log, run, events.Count > 0 ? events[0].Id : 0, cancellationToken);
        return Build(run, tasks, events, alerts);
    }

    /// <summary>The report of <paramref name="run"/> from what is known of it; <paramref name="alerts"/> may hold alert events about other runs too.</summary>
    public static JsonObject Build(RunRecord run, IReadOnlyList<TaskInstanceRecord> tasks, IReadOnlyList<RunEvent> events, IReadOnlyList<RunEvent> alerts)
    {
        var report = new JsonObject
        {
            ["schema"] = Schema,
            ["run_id"] = run.Id,
            ["pipeline"] = run.Pipeline,
            ["logical_date"] = run.LogicalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
            ["interval"] = new JsonObject { ["start"] = Time(run.IntervalStart), ["end"] = Time(run.IntervalEnd) },
            ["trigger"] = run.Trigger,
            ["state"] = StateNames.Of(run.State),
            ["started_at"] = Time(run.StartedAt),
            ["ended_at"] = run.EndedAt is { } ended ? Time(ended) : null,
            ["duration_seconds"] = run.EndedAt is { } end ? Seconds(end - run.StartedAt) : null,
            ["host"] = run.Host,
            ["process"] = run.ProcessId,
            ["error"] = run.Error,
            ["rows"] = new JsonObject
            {
                ["read"] = tasks.Sum(t => t.RowsRead),
                ["written"] = tasks.Sum(t => t.RowsWritten),
                ["quarantined"] = tasks.Sum(t => t.RowsQuarantined),
            },
            ["tasks"] = new JsonArray(tasks.Select(t => (JsonNode)TaskEntry(t, events)).ToArray()),
            ["checks"] = Payloads(events, EventTypes.CheckResult),
            ["drift"] = Payloads(events, EventTypes.ContractDrift),
            ["cdc_lag"] = Payloads(events, EventTypes.CdcLag),
            ["anomalies"] = Payloads(events, EventTypes.Anomaly),
            ["metrics"] = Payloads(events, EventTypes.MetricObserved),
            ["empty_intervals"] = Payloads(events, EventTypes.EmptyInterval),
            ["sla_misses"] = Payloads(events, EventTypes.SlaMissed),
            ["alerts"] = new JsonArray(alerts.Where(a => Names(a, run.Id)).Select(a => (JsonNode)Alert(a)).ToArray()),
            ["errors"] = new JsonArray(events
                .Where(e => e.Type == EventTypes.TaskStateChanged && e.Text("error") is not null && e.Text("to") is "failed" or "up_for_retry")
                .Select(e => (JsonNode)new JsonObject { ["task"] = e.TaskId, ["attempt"] = e.Number("attempt"), ["at"] = Time(e.Timestamp), ["error"] = e.Text("error") })
                .ToArray()),
        };
        return report;
    }

    /// <summary>Writes the report as indented JSON, replacing any earlier one at once (never half-written).</summary>
    public static async Task WriteAsync(JsonObject report, string path, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        var staged = $"{path}.{Environment.ProcessId}.tmp";
        await File.WriteAllTextAsync(staged, report.ToJsonString(Indented) + "\n", cancellationToken);
        File.Move(staged, path, overwrite: true);
    }

    /// <summary>Every text value of the report passed through <paramref name="mask"/>: a last guard, since its sources are masked already.</summary>
    public static void Mask(JsonNode? node, Func<string, string> mask)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, child) in obj.ToList())
                {
                    if (child is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    {
                        obj[key] = mask(value.GetValue<string>());
                    }
                    else
                    {
                        Mask(child, mask);
                    }
                }

                break;
            case JsonArray array:
                for (var i = 0; i < array.Count; i++)
                {
                    if (array[i] is JsonValue value && value.GetValueKind() == JsonValueKind.String)
                    {
                        array[i] = mask(value.GetValue<string>());
                    }
                    else
                    {
                        Mask(array[i], mask);
                    }
                }

                break;
        }
    }

    private static readonly JsonSerializerOptions Indented = new() { WriteIndented = true };

    private static JsonObject TaskEntry(TaskInstanceRecord task, IReadOnlyList<RunEvent> events)
    {
        var mine = events.Where(e => e.TaskId == task.TaskId).ToList();
        return new JsonObject
        {
            ["id"] = task.TaskId,
            ["state"] = StateNames.Of(task.State),
            ["attempts"] = task.TryNumber,
            ["reused"] = task.Reused,
            ["started_at"] = task.StartedAt is { } started ? Time(started) : null,
            ["ended_at"] = task.EndedAt is { } ended ? Time(ended) : null,
            ["duration_seconds"] = task.Duration is { } duration ? Seconds(duration) : null,
            ["rows_read"] = task.RowsRead,
            ["rows_written"] = task.RowsWritten,
            ["rows_quarantined"] = task.RowsQuarantined,
            ["datasets"] = new JsonArray(mine
                .Where(e => e.Type == EventTypes.Rows && e.Text("dataset") is not null)
                .Select(e => (JsonNode)new JsonObject { ["dataset"] = e.Text("dataset"), ["rows_written"] = e.Number("rows_written"), ["input"] = e.Text("input") })
                .ToArray()),
            ["error"] = task.Error,
        };
    }

    /// <summary>The events of one type, each as its task and its payload's fields as recorded.</summary>
    private static JsonArray Payloads(IReadOnlyList<RunEvent> events, string type) =>
        new(events.Where(e => e.Type == type).Select(e =>
        {
            var item = new JsonObject { ["task"] = e.TaskId, ["at"] = Time(e.Timestamp) };
            foreach (var (key, value) in e.Payload)
            {
                item[key] = value?.DeepClone();
            }

            return (JsonNode)item;
        }).ToArray());

    private static JsonObject Alert(RunEvent e) => new()
    {
        ["at"] = Time(e.Timestamp),
        ["type"] = e.Type,
        ["channel"] = e.Text("channel"),
        ["status"] = e.Type == EventTypes.AlertFailed ? "failed" : "sent",
        ["state"] = e.Text("state"),
        ["incident"] = e.Text("incident"),
        ["summary"] = e.Text("summary"),
        ["attempt"] = e.Number("attempt"),
        ["error"] = e.Text("error"),
    };

    private static bool Names(RunEvent alert, long runId) =>
        alert.RunId == runId || (alert.Payload["runs"] is JsonArray runs && runs.Any(r => r is JsonValue v && v.TryGetValue<long>(out var id) && id == runId));

    private static async Task<IReadOnlyList<RunEvent>> AlertsAboutAsync(IEventLog log, RunRecord run, long after, CancellationToken cancellationToken) =>
        await ReadAllAsync(log, new EventQuery { AfterId = Math.Max(0, after - 1), Pipeline = run.Pipeline, Types = [EventTypes.AlertSent, EventTypes.AlertFailed, EventTypes.AlertRecovered] }, cancellationToken);

    private static async Task<IReadOnlyList<RunEvent>> ReadAllAsync(IEventLog log, EventQuery query, CancellationToken cancellationToken)
    {
        var all = new List<RunEvent>();
        while (true)
        {
            var page = await log.ReadAsync(query with { AfterId = all.Count > 0 ? all[^1].Id : query.AfterId }, cancellationToken);
            all.AddRange(page);
            if (page.Count < query.Limit)
            {
                return all;
            }
        }
    }

    /// <summary>UTC, ISO-8601 with a Z (an offset's "+" would be escaped in JSON text).</summary>
    private static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("O", CultureInfo.InvariantCulture);

    private static double Seconds(TimeSpan span) => Math.Round(span.TotalSeconds, 3);
}
