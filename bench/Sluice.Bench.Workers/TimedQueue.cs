using System.Diagnostics;
using Sluice.Queue;

namespace Sluice.Bench.Workers;

/// <summary>
/// Times each queue call of one worker into <paramref name="times"/>, so the report can say where a task's
/// overhead goes. It passes the wrapped queue's wake-ups (PostgreSQL's LISTEN/NOTIFY) through, since a
/// worker that loses them falls back to polling and the bench would measure the poll instead; a queue
/// without them never wakes the worker, which then polls as it would.
/// </summary>
internal sealed class TimedQueue(ITaskQueue queue, CallTimes times) : ITaskQueue, IQueueWakeup
{
    private readonly Stopwatch _since = Stopwatch.StartNew();
    private double _lastFinishEnd = double.NaN;

    public TimedQueue(ITaskQueue queue)
        : this(queue, new CallTimes())
    {
    }

    public CallTimes Times => times;

    public bool SharesStateFolder => queue.SharesStateFolder;

    public long Mark() => (queue as IQueueWakeup)?.Mark() ?? 0;

    public Task WaitForWorkAsync(long mark, CancellationToken cancellationToken) =>
        queue is IQueueWakeup wakeup ? wakeup.WaitForWorkAsync(mark, cancellationToken) : Task.Delay(Timeout.Infinite, cancellationToken);

    public Task AdvanceAsync(long runId, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken) =>
        TimeAsync("advance", () => queue.AdvanceAsync(runId, decide, cancellationToken).ContinueWith(_ => 0, TaskScheduler.Default));

    public Task<TaskLease?> ClaimAsync(string worker, TimeSpan leaseFor, Func<RunSnapshot, QueueItem, RunChanges> start, CancellationToken cancellationToken)
    {
        var finished = Interlocked.Exchange(ref _lastFinishEnd, double.NaN);
        if (!double.IsNaN(finished))
        {
            times.AddGap(_since.Elapsed.TotalMilliseconds - finished);
        }

        return TimeAsync("claim", () => queue.ClaimAsync(worker, leaseFor, start, cancellationToken));
    }

    public Task<bool> RenewAsync(TaskLease lease, TimeSpan leaseFor, CancellationToken cancellationToken) =>
        TimeAsync("renew", () => queue.RenewAsync(lease, leaseFor, cancellationToken));

    public Task<bool> FinishAsync(TaskLease lease, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken) =>
        TimeAsync("finish", async () =>
        {
            var done = await queue.FinishAsync(lease, decide, cancellationToken);
            Interlocked.Exchange(ref _lastFinishEnd, _since.Elapsed.TotalMilliseconds);
            return done;
        });

    public Task<IReadOnlyList<TaskLease>> ExpiredLeasesAsync(CancellationToken cancellationToken) =>
        TimeAsync("expired", () => queue.ExpiredLeasesAsync(cancellationToken));

    private async Task<T> TimeAsync<T>(string name, Func<Task<T>> call)
    {
        var watch = Stopwatch.StartNew();
        try
        {
            return await call();
        }
        finally
        {
            times.Add(name, watch.Elapsed.TotalMilliseconds);
        }
    }
}
