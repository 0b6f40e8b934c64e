namespace Sluice.State;

/// <summary>
/// Slots of the project's task pools, shared by every run and process that uses the same store. A
/// claim belongs to a task of a run and lapses when the run stops being alive (finished, or
/// abandoned by the rule of <see cref="RunLiveness"/>), so a killed process never keeps a slot.
/// </summary>
public interface IPoolSlots
{
    /// <summary>Takes a slot of <paramref name="pool"/> for a task if fewer than <paramref name="size"/> live claims hold it; false when full.</summary>
    Task<bool> TryClaimAsync(string pool, int size, long runId, string taskId, CancellationToken cancellationToken);

    /// <summary>Gives the task's slot back.</summary>
    Task ReleaseAsync(string pool, long runId, string taskId, CancellationToken cancellationToken);
}
