using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Sluice.Anomalies;
using Sluice.Connectors;
using Sluice.Events;
using Sluice.Model;
using Sluice.State;
using Sluice.Templating;

namespace Sluice.Execution;

/// <summary>
/// Every state change and log line of a run goes through here once: into the metadata store (the
/// current state), the event log (what happened, in order) and the observer (the terminal view).
/// Secrets are masked before anything leaves.
/// </summary>
internal sealed class RunRecorder(RunRecord run, IMetadataStore store, EventWriter events, IRunObserver observer, SecretMasker secrets, TimeProvider time)
{
    private readonly ConcurrentDictionary<string, TaskInstanceRecord> _tasks = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string? TaskId, MetricObservation Observation)> _metrics = new();

    public IReadOnlyDictionary<string, TaskInstanceRecord> Tasks => _tasks;

    /// <summary>The metrics this run observed, in order, for the anomaly check at its end.</summary>
    public IReadOnlyList<(string? TaskId, MetricObservation Observation)> Metrics => [.. _metrics];

    public RunRecord Run => run;

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task SaveAsync(TaskInstanceRecord record, CancellationToken cancellationToken)
    {
        record = record with { Error = record.Error is null ? null : secrets.Apply(record.Error) };
        var before = _tasks.TryGetValue(record.TaskId, out var earlier) ? earlier.State : (TaskState?)null;
        _tasks[record.TaskId] = record;
        await store.SaveTaskAsync(record, cancellationToken);
        if (before != record.State)
        {
            events.Write(Event(EventTypes.TaskStateChanged, record.TaskId, new JsonObject
            {
                ["from"] = before is { } b ? StateNames.Of(b) : null,
                ["to"] = StateNames.Of(record.State),
                ["attempt"] = record.TryNumber,
                ["error"] = record.Error,
                ["reused"] = record.Reused ? true : null,
            }));
        }

        observer.TaskChanged(record);
    }

    /// <summary>
    /// The rows a task wrote, read and quarantined. The task's kind says whether written rows were
    /// extracted, transformed or loaded; a sink's also name the dataset it loaded (its target may be a dated path).
    /// </summary>
    public void Rows(TaskDefinition task, TaskOutcome outcome)
    {
        var kind = task.Kind.ToString().ToLowerInvariant();
        foreach (var (dataset, rows) in outcome.RowsWritten)
        {
            events.Write(Event(EventTypes.Rows, task.Id, new JsonObject
            {
                ["dataset"] = dataset,
                ["rows_written"] = rows,
                ["task_kind"] = kind,
                ["input"] = task.Kind == TaskKind.Sink ? task.Inputs.FirstOrDefault() : null,
            }));
            if (task.Outputs.Contains(dataset, StringComparer.Ordinal) && !HasRowsMetric(dataset))
            {
                // Every dataset's row count is a metric, so anomaly detection has something to watch without configuration.
                // A host whose attempt already recorded it (a dataset check step) is not repeated.
                Write(EventTypes.MetricObserved, task.Id, new MetricObservation(dataset, MetricObservation.Rows, run.LogicalDate, rows).ToPayload(run.Pipeline));
            }
        }

        if (outcome.RowsRead > 0 || outcome.RowsQuarantined > 0)
        {
            events.Write(Event(EventTypes.Rows, task.Id, new JsonObject
            {
                ["rows_read"] = outcome.RowsRead,
                ["rows_quarantined"] = outcome.RowsQuarantined,
                ["task_kind"] = kind,
                ["quarantine_dataset"] = outcome.RowsQuarantined > 0 ? task.EffectiveQuarantineOutput ?? task.Outputs.FirstOrDefault() : null,
            }));
        }
    }

    private bool HasRowsMetric(string dataset) =>
        _metrics.Any(m => m.Observation.Name == MetricObservation.Rows && string.Equals(m.Observation.Dataset, dataset, StringComparison.Ordinal));

    public void Log(string taskId, string message, string level = "info")
    {
        var text = secrets.Apply(message);
        events.Write(Event(EventTypes.Log, taskId, new JsonObject { ["level"] = level, ["text"] = text }));
        observer.Log(taskId, text);
    }

    public void Write(string type, string? taskId, JsonObject payload)
    {
        var written = Event(type, taskId, payload);
        if (MetricObservation.From(written) is { } observation)
        {
            _metrics.Enqueue((taskId, observation));
        }

        events.Write(written);
    }

    private RunEvent Event(string type, string? taskId, JsonObject payload) => new()
    {
        Timestamp = time.GetUtcNow(),
        Type = type,
        Pipeline = run.Pipeline,
        RunId = run.Id,
        LogicalDate = run.LogicalDate,
        TaskId = taskId,
        Payload = payload,
    };
}
