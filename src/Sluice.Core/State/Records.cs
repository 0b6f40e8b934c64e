namespace Sluice.State;

public enum RunState
{
    Running,
    Success,
    Failed,
    /// <summary>Stopped by Ctrl+C, SIGTERM or the caller's cancellation.</summary>
    Cancelled,
    /// <summary>Its process died: no heartbeat for too long, or the process is gone from its host.</summary>
    Abandoned,
}

public enum TaskState
{
    Pending,
    Running,
    UpForRetry,
    /// <summary>A sensor whose condition was not met: it looks again at <c>next_attempt_at</c>, holding no slot meanwhile.</summary>
    UpForReschedule,
    Success,
    Failed,
    UpstreamFailed,
    /// <summary>Not run because its trigger rule could not be met (for example an <c>one_failed</c> clean-up when nothing failed).</summary>
    Skipped,
}

public sealed record RunRecord
{
    public long Id { get; init; }
    public required string Pipeline { get; init; }
    public required DateOnly LogicalDate { get; init; }
    public required DateTimeOffset IntervalStart { get; init; }
    public required DateTimeOffset IntervalEnd { get; init; }
    public RunState State { get; init; } = RunState.Running;
    public string Trigger { get; init; } = "manual";
    public DateTimeOffset StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public string? Error { get; init; }
    /// <summary>The machine and process that run it, so another process can name it or tell that it died.</summary>
    public string? Host { get; init; }
    public int? ProcessId { get; init; }
    /// <summary>Renewed while the run is alive; a run whose heartbeat stops is abandoned.</summary>
    public DateTimeOffset? HeartbeatAt { get; init; }
}

public sealed record TaskInstanceRecord
{
    public required long RunId { get; init; }
    public required string TaskId { get; init; }
    public TaskState State { get; init; } = TaskState.Pending;
    public int TryNumber { get; init; }
    public DateTimeOffset? StartedAt { get; init; }
    public DateTimeOffset? EndedAt { get; init; }
    public long RowsRead { get; init; }
    public long RowsWritten { get; init; }
    public long RowsQuarantined { get; init; }
    /// <summary>True when a resumed run kept this task's staged outputs from an earlier run.</summary>
    public bool Reused { get; init; }
    public string? Error { get; init; }
    /// <summary>When an <c>up_for_retry</c> or <c>up_for_reschedule</c> task may start its next attempt: a stored time, not a sleep holding a slot.</summary>
    public DateTimeOffset? NextAttemptAt { get; init; }

    public TimeSpan? Duration => StartedAt is { } s && EndedAt is { } e ? e - s : null;
}
