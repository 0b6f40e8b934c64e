using Sluice.Queue;

namespace Sluice.Hosting.Tests;

/// <summary>A worker's view of the queue that can be cut off, as a network partition or a stalled disk would.</summary>
internal sealed class PartitionableQueue(ITaskQueue queue) : ITaskQueue
{
    public volatile bool Cut;

    public bool SharesStateFolder => queue.SharesStateFolder;

    public Task AdvanceAsync(long runId, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken) =>
        Reach().AdvanceAsync(runId, decide, cancellationToken);

    public Task<TaskLease?> ClaimAsync(string worker, TimeSpan leaseFor, Func<RunSnapshot, QueueItem, RunChanges> start, CancellationToken cancellationToken) =>
        Reach().ClaimAsync(worker, leaseFor, start, cancellationToken);

    public Task<bool> RenewAsync(TaskLease lease, TimeSpan leaseFor, CancellationToken cancellationToken) =>
        Reach().RenewAsync(lease, leaseFor, cancellationToken);

    public Task<bool> FinishAsync(TaskLease lease, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken) =>
        Reach().FinishAsync(lease, decide, cancellationToken);

    public Task<IReadOnlyList<TaskLease>> ExpiredLeasesAsync(CancellationToken cancellationToken) =>
        Reach().ExpiredLeasesAsync(cancellationToken);

    private ITaskQueue Reach() => Cut ? throw new IOException("the queue cannot be reached (simulated partition)") : queue;
}
