using System.Collections.Concurrent;
using System.Diagnostics;
using Sluice.Queue;

namespace Sluice.Bench.Workers;

/// <summary>Times each queue call, so the report can say where a task's overhead goes.</summary>
internal sealed class TimedQueue(ITaskQueue queue) : ITaskQueue
{
    private readonly ConcurrentDictionary<string, (long Calls, double Ms)> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<double> _gaps = [];
    private readonly Stopwatch _since = Stopwatch.StartNew();
    private double _lastFinishEnd = double.NaN;

    /// <summary>Median time from a finish call returning to the worker's next claim call (the worker's own hand-over path), ms.</summary>
    public double GapMedianMs => _gaps.IsEmpty ? 0 : Stats.Median(_gaps);

    public bool SharesStateFolder => queue.SharesStateFolder;

    /// <summary>Mean milliseconds of one kind of call ("claim", "finish", ...), 0 when none was made.</summary>
    public double MeanMs(string name) => _calls.TryGetValue(name, out var c) ? c.Ms / Math.Max(1, c.Calls) : 0;

    public string Summary => string.Join(", ", _calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value.Calls}× {c.Value.Ms / Math.Max(1, c.Value.Calls):0.00} ms"));

    public Task AdvanceAsync(long runId, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken) =>
        TimeAsync("advance", () => queue.AdvanceAsync(runId, decide, cancellationToken).ContinueWith(_ => 0, TaskScheduler.Default));

    public Task<TaskLease?> ClaimAsync(string worker, TimeSpan leaseFor, Func<RunSnapshot, QueueItem, RunChanges> start, CancellationToken cancellationToken)
    {
        var finished = Interlocked.Exchange(ref _lastFinishEnd, double.NaN);
        if (!double.IsNaN(finished))
        {
            _gaps.Add(_since.Elapsed.TotalMilliseconds - finished);
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
            var ms = watch.Elapsed.TotalMilliseconds;
            _calls.AddOrUpdate(name, (1, ms), (_, c) => (c.Calls + 1, c.Ms + ms));
        }
    }
}
