namespace Sluice.State;

public enum RunState
{
    Running,
    Success,
    Failed,
}

public enum TaskState
{
    Pending,
    Running,
    UpForRetry,
    Success,
    Failed,
    UpstreamFailed,
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

    public TimeSpan? Duration => StartedAt is { } s && EndedAt is { } e ? e - s : null;
}
