namespace Sluice.Queue;

/// <summary>
/// The queue of task instances that workers in other processes claim and run. Every operation is one
/// transaction over the queue and the run's stored task states, so a task instance is held by at most
/// one live lease, and what a caller decides from the run's snapshot (the next ready tasks, the run's
/// end) is applied atomically with it. SQLite implements it with <c>BEGIN IMMEDIATE</c>; a server
/// store can use <c>FOR UPDATE SKIP LOCKED</c>. Times come from the store's <see cref="TimeProvider"/>.
/// </summary>
public interface ITaskQueue
{
    /// <summary>
    /// True when every worker necessarily works in the coordinator's state folder, so datasets staged
    /// there are shared without an <c>artifacts:</c> store (SQLite: the queue lives in that folder's sluice.db).
    /// </summary>
    bool SharesStateFolder { get; }

    /// <summary>
    /// Applies what <paramref name="decide"/> makes of a run's current snapshot, without a lease: the
    /// coordinator's start (enqueue the first ready tasks) and cancellation.
    /// </summary>
    Task AdvanceAsync(long runId, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken);

    /// <summary>
    /// Leases the next available queued task instance (its time has come, nobody holds it, its run is
    /// still running) to <paramref name="worker"/> for <paramref name="leaseFor"/>, and applies what
    /// <paramref name="start"/> makes of it (the attempt starts); the snapshot it gets holds the claimed
    /// task's state only, since starting an attempt depends on nothing else. Items of runs that stopped
    /// are never claimed. Null when nothing is available.
    /// </summary>
    Task<TaskLease?> ClaimAsync(string worker, TimeSpan leaseFor, Func<RunSnapshot, QueueItem, RunChanges> start, CancellationToken cancellationToken);

    /// <summary>Extends a lease (the worker's heartbeat). False when it is no longer held or its run stopped: stop the attempt.</summary>
    Task<bool> RenewAsync(TaskLease lease, TimeSpan leaseFor, CancellationToken cancellationToken);

    /// <summary>
    /// Ends a lease, whether or not it has expired, provided nobody else holds the item since: removes
    /// the item and applies <paramref name="decide"/> (the attempt's outcome and the next ready tasks).
    /// False, changing nothing, when the lease was lost or its run stopped: the result is stale.
    /// </summary>
    Task<bool> FinishAsync(TaskLease lease, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken);

    /// <summary>Leases that ran out without being renewed or finished: their worker died or hung.</summary>
    Task<IReadOnlyList<TaskLease>> ExpiredLeasesAsync(CancellationToken cancellationToken);
}
