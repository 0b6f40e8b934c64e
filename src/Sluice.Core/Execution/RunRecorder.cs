using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Sluice.Connectors;
using Sluice.Events;
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

    public IReadOnlyDictionary<string, TaskInstanceRecord> Tasks => _tasks;

    public DateTimeOffset Now => time.GetUtcNow();

    public async Task SaveAsync(TaskInstanceRecord record, CancellationToken cancellationToken)
    {
        record = record with { Error = record.Error is null ? null : secrets.Apply(record.Error) };
        var before = _tasks.TryGetValue(record.TaskId, out var earlier) ? earlier.State : (TaskState?)null;
        _tasks[record.TaskId] = record;
        await store.SaveTaskAsync(record, cancellationToken);
        if (before != record.State)
        {
            events.Write(Event(EventTypes.TaskStateChanged, record.TaskId, RunEvents.TaskStateChanged(record, before)));
        }

        observer.TaskChanged(record);
    }

    public void Rows(string taskId, TaskOutcome outcome)
    {
        foreach (var (dataset, rows) in outcome.RowsWritten)
        {
            events.Write(Event(EventTypes.Rows, taskId, new JsonObject { ["dataset"] = dataset, ["rows_written"] = rows }));
        }

        if (outcome.RowsRead > 0 || outcome.RowsQuarantined > 0)
        {
            events.Write(Event(EventTypes.Rows, taskId, new JsonObject { ["rows_read"] = outcome.RowsRead, ["rows_quarantined"] = outcome.RowsQuarantined }));
        }
    }

    public void Log(string taskId, string message, string level = "info")
    {
        var text = secrets.Apply(message);
        events.Write(Event(EventTypes.Log, taskId, new JsonObject { ["level"] = level, ["text"] = text }));
        observer.Log(taskId, text);
    }

    public void Write(string type, string? taskId, JsonObject payload) => events.Write(Event(type, taskId, payload));

    private RunEvent Event(string type, string? taskId, JsonObject payload) => RunEvents.Of(run, type, taskId, payload, time.GetUtcNow());
}
