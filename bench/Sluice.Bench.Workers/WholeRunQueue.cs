using Sluice.Queue;

namespace Sluice.Bench.Workers;

/// <summary>
/// The baseline: a queue whose every advance and outcome reads the whole run, as before outcomes were
/// scoped to a task's neighbourhood (and as a store that does not read by scope still does). It answers
/// a partial snapshot with "read the whole run", so both sides run the same store in the same process.
/// </summary>
internal sealed class WholeRunQueue(ITaskQueue queue) : ITaskQueue
{
    private static readonly RunChanges Whole = new() { ReadWholeRun = true };

    public bool SharesStateFolder => queue.SharesStateFolder;

    public Task AdvanceAsync(long runId, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken) =>
        queue.AdvanceAsync(runId, s => s.Partial ? Whole : decide(s), cancellationToken);

    // A claim read only the claimed task before too.
    public Task<TaskLease?> ClaimAsync(string worker, TimeSpan leaseFor, Func<RunSnapshot, QueueItem, RunChanges> start, CancellationToken cancellationToken) =>
        queue.ClaimAsync(worker, leaseFor, start, cancellationToken);

    public Task<bool> RenewAsync(TaskLease lease, TimeSpan leaseFor, CancellationToken cancellationToken) => queue.RenewAsync(lease, leaseFor, cancellationToken);

    public Task<bool> FinishAsync(TaskLease lease, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken) =>
        queue.FinishAsync(lease, s => s.Partial ? Whole : decide(s), cancellationToken);

    public Task<IReadOnlyList<TaskLease>> ExpiredLeasesAsync(CancellationToken cancellationToken) => queue.ExpiredLeasesAsync(cancellationToken);
}
