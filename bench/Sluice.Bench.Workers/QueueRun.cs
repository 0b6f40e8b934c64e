using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sluice.Connectors;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Model;
using Sluice.Queue;
using Sluice.Yaml;

namespace Sluice.Bench.Workers;

/// <summary>What one run of N no-op tasks through the queue and one in-process worker measured.</summary>
internal sealed record QueueRunFigures(double WallS, double CpuMsPerTask, double TotalLagS, double LagMedianMs, double LagP99Ms, double AttemptMedianMs, double AttemptP99Ms, double FinishMs, double ClaimMs, double GapMs, string Calls);

/// <summary>
/// Runs N no-op tasks (a chain, or independent) through the SQLite queue with one in-process worker and
/// the coordinator in the same process, and reads the lags from the event log's timestamps.
/// <paramref name="wholeRun"/> runs the baseline (every outcome reads the whole run).
/// </summary>
internal static class QueueRun
{
    public static async Task<QueueRunFigures> MeasureAsync(int tasks, bool linear, int slots, bool wholeRun)
    {
        var state = Directory.CreateTempSubdirectory("sluice-bench-workers-");
        try
        {
            var yaml = new StringBuilder("name: bench\nmax_parallel_tasks: 4\ntasks:\n");
            for (var i = 0; i < tasks; i++)
            {
                yaml.Append(CultureInfo.InvariantCulture, $"  t{i}: {{ source: noop, output: d{i}{(linear && i > 0 ? $", depends_on: [t{i - 1}]" : string.Empty)} }}\n");
            }

            var pipeline = PipelineYamlLoader.Load(yaml.ToString(), "bench.yaml", state.FullName);
            var catalog = new ConnectorCatalog().Add(new NoopSource());
            await using var store = await SqliteMetadataStore.OpenAsync(Path.Combine(state.FullName, "sluice.db"));
            await using var workerStore = await SqliteMetadataStore.OpenAsync(Path.Combine(state.FullName, "sluice.db"));
            var timed = new TimedQueue(wholeRun ? new WholeRunQueue(workerStore) : workerStore);
            var worker = new TaskWorker(catalog, workerStore, timed, state.FullName, new WorkerOptions { Name = "bench", Concurrency = slots, Poll = TimeSpan.FromMilliseconds(100) }, resolvePipeline: _ => pipeline);
            using var stop = new CancellationTokenSource();
            var working = Task.Run(() => worker.RunAsync(stop.Token));
            var clock = Stopwatch.StartNew();
            var cpuBefore = Process.GetCurrentProcess().TotalProcessorTime;
            var result = await new PipelineRunner(catalog, store, state.FullName).RunAsync(pipeline, new RunRequest { LogicalDate = new DateOnly(2024, 3, 1), Queued = true });
            var wall = clock.Elapsed;
            var cpu = Process.GetCurrentProcess().TotalProcessorTime - cpuBefore;
            await stop.CancelAsync();
            await working;
            if (!result.Succeeded)
            {
                throw new InvalidOperationException($"the run of {tasks} tasks failed: {result.Run.Error}");
            }

            var events = await store.ReadAsync(new EventQuery { RunId = result.Run.Id, Types = [EventTypes.TaskStateChanged], Limit = 1_000_000 }, CancellationToken.None);
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

            return new QueueRunFigures(
                wall.TotalSeconds, cpu.TotalMilliseconds / tasks, lags.Sum() / 1000, Stats.Percentile(lags, 0.5), Stats.Percentile(lags, 0.99),
                Stats.Percentile(attempts, 0.5), Stats.Percentile(attempts, 0.99), timed.MeanMs("finish"), timed.MeanMs("claim"), timed.GapMedianMs, timed.Summary);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            state.Delete(recursive: true);
        }
    }
}
