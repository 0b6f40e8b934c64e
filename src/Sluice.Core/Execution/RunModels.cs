using Sluice.Model;
using Sluice.State;

namespace Sluice.Execution;

public sealed record RunRequest
{
    public required DateOnly LogicalDate { get; init; }
    /// <summary>Keep the staged outputs of tasks that succeeded in the previous run of this interval.</summary>
    public bool Resume { get; init; }
    public string Trigger { get; init; } = "manual";
    public int? MaxParallelTasks { get; init; }
    /// <summary>When another live run holds the same interval, wait for it instead of refusing at once.</summary>
    public bool WaitForOtherRun { get; init; }
    /// <summary>A run already recorded for this interval by a claim (the scheduler's); the runner carries it out instead of starting another.</summary>
    public RunRecord? Claimed { get; init; }
    /// <summary>With <see cref="Claimed"/>: the earlier run whose succeeded tasks to keep (a cleared run the scheduler resumes).</summary>
    public RunRecord? ResumeFrom { get; init; }

    /// <summary>Run the tasks through the task queue, on <c>sluice worker</c> processes, instead of in this process.</summary>
    public bool Queued { get; init; }

    /// <summary>How incremental sources choose their bounds: from the watermark, a full refresh, or a replayed range.</summary>
    public Incremental.CursorRequest Cursors { get; init; } = Incremental.CursorRequest.Default;
}

public sealed record RunResult(RunRecord Run, IReadOnlyList<TaskInstanceRecord> Tasks)
{
    public bool Succeeded => Run.State == RunState.Success;

    public long RowsQuarantined => Tasks.Sum(t => t.RowsQuarantined);

    /// <summary>Where the run's JSON report was written (docs/metrics.md), or null if it could not be.</summary>
    public string? ReportPath { get; init; }
}

/// <summary>Receives progress so the CLI can draw a live view or print log lines.</summary>
public interface IRunObserver
{
    void RunStarted(RunRecord run, IReadOnlyList<TaskDefinition> tasks) { }

    void TaskChanged(TaskInstanceRecord task) { }

    void Log(string taskId, string message) { }

    void RunFinished(RunResult result) { }
}
