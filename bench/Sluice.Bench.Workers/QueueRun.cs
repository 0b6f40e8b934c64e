using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sluice.Connectors;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Model;
using Sluice.Queue;
using Sluice.Yaml;

namespace Sluice.Bench.Workers;

/// <summary>What one run of N no-op tasks through the queue measured.</summary>
internal sealed record QueueRunFigures(
    double WallS, double CpuMsPerTask, double TotalLagS, double LagMedianMs, double LagP99Ms, double AttemptMedianMs, double AttemptP99Ms,
    double FinishMs, double ClaimMs, double GapMs, int MaxRunning, string Calls);

/// <summary>
/// Runs N no-op tasks (a chain, or independent) through the queue of <paramref name="stores"/> with
/// <c>workers</c> in-process workers, each on a store (connections) of its own, and the coordinator in
/// the same process, and reads the lags from the event log's timestamps. <c>wholeRun</c> runs the
/// baseline (every outcome reads the whole run).
/// </summary>
internal static class QueueRun
{
    public static Task<QueueRunFigures> MeasureAsync(int tasks, bool linear, int slots, bool wholeRun) =>
        MeasureAsync(BenchStores.Sqlite(), workers: 1, tasks, linear, slots, wholeRun, TimeSpan.FromMilliseconds(100));

    /// <param name="poll">The workers' poll, which is also how often each reaps expired leases before claiming; null for the default (1 s).</param>
    public static async Task<QueueRunFigures> MeasureAsync(BenchStores stores, int workers, int tasks, bool linear, int slots, bool wholeRun = false, TimeSpan? poll = null)
    {
        await using (stores)
        {
            var state = stores.Folder.FullName;
            var yaml = new StringBuilder("name: bench\nmax_parallel_tasks: 4\ntasks:\n");
            for (var i = 0; i < tasks; i++)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"  t{i}: {{ source: noop, output: d{i}{(linear && i > 0 ? $", depends_on: [t{i - 1}]" : string.Empty)} }}\n");
            }

            var pipeline = PipelineYamlLoader.Load(yaml.ToString(), "bench.yaml", state);
            var catalog = new ConnectorCatalog().Add(new NoopSource());
            var store = await stores.OpenAsync();
            var times = new CallTimes();
            var opened = new List<IAsyncDisposable> { (IAsyncDisposable)store };
            try
            {
                var running = new List<TaskWorker>();
                for (var w = 0; w < workers; w++)
                {
                    var workerStore = await stores.OpenAsync();
                    opened.Add((IAsyncDisposable)workerStore);
                    var queue = (ITaskQueue)workerStore;
                    var timed = new TimedQueue(wholeRun ? new WholeRunQueue(queue) : queue, times);
                    running.Add(new TaskWorker(catalog, workerStore, timed, state, new WorkerOptions { Name = $"bench{w}", Concurrency = slots, Poll = poll ?? new WorkerOptions().Poll }, resolvePipeline: _ => pipeline));
                }

                using var stop = new CancellationTokenSource();
                var working = running.Select(worker => Task.Run(() => worker.RunAsync(stop.Token))).ToList();
                var clock = Stopwatch.StartNew();
                var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
                var result = await new PipelineRunner(catalog, store, state).RunAsync(pipeline, new RunRequest { LogicalDate = new DateOnly(2024, 3, 1), Queued = true });
                var wall = clock.Elapsed;
                var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
                await stop.CancelAsync();
                await Task.WhenAll(working);
                if (!result.Succeeded)
                {
                    throw new InvalidOperationException($"the run of {tasks} tasks failed: {result.Run.Error}");
                }

                var events = await ((IEventLog)store).ReadAsync(new EventQuery { RunId = result.Run.Id, Types = [EventTypes.TaskStateChanged], Limit = 1_000_000 }, CancellationToken.None);
                var (lags, attempts) = Lags(events, tasks, linear);
                return new QueueRunFigures(
                    wall.TotalSeconds, cpu.TotalMilliseconds / tasks, lags.Sum() / 1000, Stats.Percentile(lags, 0.5), Stats.Percentile(lags, 0.99),
                    Stats.Percentile(attempts, 0.5), Stats.Percentile(attempts, 0.99), times.MeanMs("finish"), times.MeanMs("claim"), times.GapMedianMs,
                    MaxRunning(events), times.Summary);
            }
            finally
            {
                foreach (var each in opened)
                {
                    await each.DisposeAsync();
                }
            }
        }
    }

    /// <summary>Per task: from ready (its upstream's success, or the run's first enqueue) to its claim; and from claim to success.</summary>
    private static (List<double> Lags, List<double> Attempts) Lags(IReadOnlyList<RunEvent> events, int tasks, bool linear)
    {
        var running = events.Where(e => e.Text("to") == "running").ToDictionary(e => e.TaskId!, e => e.Timestamp);
        var success = events.Where(e => e.Text("to") == "success").ToDictionary(e => e.TaskId!, e => e.Timestamp);
        var queuedAt = events.Where(e => e.Text("to") == "pending").Min(e => e.Timestamp);
        var lags = new List<double>();
        var attempts = new List<double>();
        for (var i = 0; i < tasks; i++)
        {
            var ready = linear && i > 0 ? success[$"t{i - 1}"] : queuedAt;
            lags.Add((running[$"t{i}"] - ready).TotalMilliseconds);
            attempts.Add((success[$"t{i}"] - running[$"t{i}"]).TotalMilliseconds);
        }

        return (lags, attempts);
    }

    /// <summary>The most attempts running at once, in the event log's order (a start counts up, leaving running counts down).</summary>
    private static int MaxRunning(IReadOnlyList<RunEvent> events)
    {
        int now = 0, max = 0;
        foreach (var change in events.OrderBy(e => e.Id))
        {
            now += (change.Text("to") == "running" ? 1 : 0) - (change.Text("from") == "running" ? 1 : 0);
            max = Math.Max(max, now);
        }

        return max;
    }
}
