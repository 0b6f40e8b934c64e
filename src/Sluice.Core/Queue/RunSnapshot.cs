using Sluice.State;

namespace Sluice.Queue;

/// <summary>A run as stored, read inside a queue transaction: its record, task states and which tasks are queued.</summary>
public sealed record RunSnapshot
{
    public required RunRecord Run { get; init; }

    public required IReadOnlyDictionary<string, TaskInstanceRecord> Tasks { get; init; }

    /// <summary>Tasks that have a queue item (waiting or leased).</summary>
    public required IReadOnlySet<string> Queued { get; init; }

    /// <summary>The transaction's time, from the store's clock.</summary>
    public required DateTimeOffset Now { get; init; }

    /// <summary>
    /// True when <see cref="Tasks"/> and <see cref="Queued"/> hold only some of the run's tasks: a store that
    /// reads by scope starts with the task the operation is about, and a decision that must see more asks
    /// for it (<see cref="RunChanges.ReadTasks"/>, <see cref="RunChanges.ReadWholeRun"/>), so an outcome costs
    /// its task's neighbourhood, not the run's size. A store that always reads the whole run leaves it false.
    /// </summary>
    public bool Partial { get; init; }

    /// <summary>In a partial snapshot: whether some task not in <see cref="Tasks"/> is not final yet (the run cannot end).</summary>
    public bool UnfinishedElsewhere { get; init; }
}
