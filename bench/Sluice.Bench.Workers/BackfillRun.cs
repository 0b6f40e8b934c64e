using System.Diagnostics;
using Sluice.Connectors;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Queue;
using Sluice.State;
using Sluice.Yaml;

namespace Sluice.Bench.Workers;

/// <summary>What a backfill of daily intervals through the queue measured.</summary>
internal sealed record BackfillFigures(double WallS, double TasksPerS, double RunMedianS, double RunP99S, string Calls);

/// <summary>
/// A backfill of <c>days</c> daily intervals of a 4-task no-op pipeline (a diamond) through the queue, as
/// <c>sluice backfill --queue --max-active N</c> runs it: up to N coordinators at once in this process,
/// one in-process worker with N slots taking their tasks.
/// </summary>
internal static class BackfillRun
{
    private const string Yaml = """
        name: backfill_bench
        interval: daily
        tasks:
          extract: { source: noop, output: raw }
          clean: { source: noop, output: clean, depends_on: [extract] }
          enrich: { source: noop, output: enriched, depends_on: [extract] }
          load: { source: noop, output: loaded, depends_on: [clean, enrich] }
        """;

    public static async Task<BackfillFigures> MeasureAsync(int days, int maxActive)
    {
        var state = Directory.CreateTempSubdirectory("sluice-bench-backfill-");
        try
        {
            var pipeline = PipelineYamlLoader.Load(Yaml, "backfill_bench.yaml", state.FullName);
            var catalog = new ConnectorCatalog().Add(new NoopSource());
            await using var store = await SqliteMetadataStore.OpenAsync(Path.Combine(state.FullName, "sluice.db"));
            await using var workerStore = await SqliteMetadataStore.OpenAsync(Path.Combine(state.FullName, "sluice.db"));
            var timed = new TimedQueue(workerStore);
            var worker = new TaskWorker(catalog, workerStore, timed, state.FullName, new WorkerOptions { Name = "bench", Concurrency = maxActive, Poll = TimeSpan.FromMilliseconds(100) }, resolvePipeline: _ => pipeline);
            using var stop = new CancellationTokenSource();
            var working = Task.Run(() => worker.RunAsync(stop.Token));
            using var slots = new SemaphoreSlim(maxActive);
            var clock = Stopwatch.StartNew();
            var runs = await Task.WhenAll(Enumerable.Range(0, days).Select(async day =>
            {
                await slots.WaitAsync();
                try
                {
                    var started = Stopwatch.StartNew();
                    var request = new RunRequest { LogicalDate = new DateOnly(2024, 1, 1).AddDays(day), Trigger = "backfill", Queued = true };
                    var result = await new PipelineRunner(catalog, store, state.FullName).RunAsync(pipeline, request);
                    return (result.Run.State, started.Elapsed.TotalSeconds);
                }
                finally
                {
                    slots.Release();
                }
            }));
            var wall = clock.Elapsed.TotalSeconds;
            await stop.CancelAsync();
            await working;
            var failed = runs.Count(r => r.State != RunState.Success);
            if (failed > 0)
            {
                throw new InvalidOperationException($"{failed} of {days} backfill runs did not succeed");
            }

            var durations = runs.Select(r => r.Item2).ToList();
            return new BackfillFigures(wall, days * 4 / wall, Stats.Median(durations), Stats.Percentile(durations, 0.99), timed.Times.Summary);
        }
        finally
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
            state.Delete(recursive: true);
        }
    }
}
