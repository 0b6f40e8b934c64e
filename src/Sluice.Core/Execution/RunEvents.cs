using System.Text.Json.Nodes;
using Sluice.Events;
using Sluice.State;

namespace Sluice.Execution;

/// <summary>The run and task events whose payload both the local mode and the worker queue write, built in one place.</summary>
internal static class RunEvents
{
    public static RunEvent Of(RunRecord run, string type, string? taskId, JsonObject payload, DateTimeOffset at) => new()
    {
        Timestamp = at,
        Type = type,
        Pipeline = run.Pipeline,
        RunId = run.Id,
        LogicalDate = run.LogicalDate,
        TaskId = taskId,
        Payload = payload,
    };

    /// <summary>A task moved from <paramref name="before"/> to its record's state; the error is already masked.</summary>
    public static JsonObject TaskStateChanged(TaskInstanceRecord record, TaskState? before, string? worker = null)
    {
        var payload = new JsonObject
        {
            ["from"] = before is { } b ? StateNames.Of(b) : null,
            ["to"] = StateNames.Of(record.State),
            ["attempt"] = record.TryNumber,
            ["error"] = record.Error,
            ["reused"] = record.Reused ? true : null,
        };
        if (worker is not null)
        {
            payload["worker"] = worker;
        }

        return payload;
    }

    public static JsonObject RunFinished(RunState state, string? error, IReadOnlyCollection<TaskInstanceRecord> tasks) => new()
    {
        ["state"] = StateNames.Of(state),
        ["error"] = error,
        ["tasks"] = tasks.Count,
        ["rows_written"] = tasks.Sum(t => t.RowsWritten),
    };

    /// <summary>How a run whose tasks all reached a final state ended: failed if any task failed or could not run.</summary>
    public static (RunState State, string? Error) Outcome(IEnumerable<TaskInstanceRecord> tasks)
    {
        var all = tasks.ToList();
        var failed = all.Where(t => t.State == TaskState.Failed).ToList();
        var error = failed.Count == 0 ? null : string.Join("; ", failed.Select(t => $"task '{t.TaskId}' failed: {t.Error}"));
        var state = failed.Count == 0 && all.All(t => t.State != TaskState.UpstreamFailed) ? RunState.Success : RunState.Failed;
        return (state, error);
    }
}
