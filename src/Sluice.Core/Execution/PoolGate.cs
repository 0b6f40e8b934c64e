using Sluice.Model;
using Sluice.State;

namespace Sluice.Execution;

/// <summary>
/// A run's way into the project's pools: a task with a <c>pool</c> starts only once it holds one of
/// the pool's slots, and gives it back when its attempt ends (a rescheduled sensor holds none while it waits).
/// </summary>
internal sealed class PoolGate(PipelineDefinition pipeline, long runId, IPoolSlots slots)
{
    /// <summary>How often a task blocked on a full pool looks again, for slots freed by other processes.</summary>
    public static readonly TimeSpan Recheck = TimeSpan.FromSeconds(1);

    private static TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when a task of this process next gives a slot back, so waiters here need not wait for <see cref="Recheck"/>.</summary>
    public static Task NextRelease => Volatile.Read(ref _released).Task;

    public async Task<bool> TryEnterAsync(TaskDefinition task, CancellationToken cancellationToken) =>
        task.Pool is not { } name || pipeline.FindPool(name) is not { } pool
        || await slots.TryClaimAsync(name, pool.Slots, runId, task.Id, cancellationToken);

    public async Task ExitAsync(TaskDefinition task)
    {
        if (task.Pool is not { } name)
        {
            return;
        }

        await slots.ReleaseAsync(name, runId, task.Id, CancellationToken.None);
        Interlocked.Exchange(ref _released, new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).TrySetResult();
    }
}
