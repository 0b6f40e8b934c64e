using Sluice.Events;
using Sluice.State;

namespace Sluice.Queue;

/// <summary>What to write in a queue transaction: task states, new queue items, events, and the run's end.</summary>
public sealed record RunChanges
{
    public static RunChanges None { get; } = new();

    public IReadOnlyList<TaskInstanceRecord> Save { get; init; } = [];

    /// <summary>Items to add; a task that already has one keeps it (enqueueing is idempotent).</summary>
    public IReadOnlyList<QueueItem> Enqueue { get; init; } = [];

    public IReadOnlyList<RunEvent> Events { get; init; } = [];

    /// <summary>When set, the run ends in this state with this error, and its remaining items are dropped.</summary>
    public (RunState State, string? Error)? Finish { get; init; }

    /// <summary>
    /// Set instead of a decision when a partial snapshot lacks tasks the decision depends on: the store
    /// applies nothing, reads the snapshot again with these tasks added, and decides again.
    /// </summary>
    public IReadOnlyCollection<string>? ReadTasks { get; init; }

    /// <summary>Like <see cref="ReadTasks"/>, for every task of the run (a run that may end, a cascade, a cancellation).</summary>
    public bool ReadWholeRun { get; init; }

    /// <summary>True when this asks for more of the run instead of deciding.</summary>
    public bool NeedsMore => ReadTasks is not null || ReadWholeRun;
}
