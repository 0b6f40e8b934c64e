using Sluice.Model;
using Sluice.State;

namespace Sluice.Execution;

/// <summary>What the scheduler decided from a run's stored task states at one instant.</summary>
internal sealed record RunDecision
{
    /// <summary>Tasks that reach a final state without running (upstream failed, trigger rule not met), with the reason.</summary>
    public IReadOnlyList<(string TaskId, TaskState State, string Reason)> Settled { get; init; } = [];

    /// <summary>Tasks that may start an attempt now: highest <c>priority</c> first, then in run order.</summary>
    public IReadOnlyList<TaskDefinition> Ready { get; init; } = [];

    /// <summary>The earliest stored retry or sensor time still in the future, if any: when to look again.</summary>
    public DateTimeOffset? WakeAt { get; init; }

    /// <summary>True when no task can change state any more.</summary>
    public bool Finished { get; init; }
}
