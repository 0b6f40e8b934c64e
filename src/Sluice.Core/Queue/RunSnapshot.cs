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
}
