using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sluice.Bench.Workers;
using Sluice.Connectors;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Queue;
using Sluice.Yaml;

// Issue #8: the cost of running tasks through the SQLite queue and one in-process worker. A run of N
// no-op tasks, once as a chain (each task waits for the previous one: the scheduling lag adds up) and
// once all independent; the figures come from the event log's timestamps.
var tasks = args.Length > 0 ? int.Parse(args[0], CultureInfo.InvariantCulture) : 1000;
var concurrency = args.Length > 1 ? int.Parse(args[1], CultureInfo.InvariantCulture) : 4;
var results = args.Length > 2 ? args[2] : "bench/results";
var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"# Issue 8: tasks through the worker queue ({DateTime.UtcNow:yyyy-MM-dd})");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"{tasks} no-op tasks per run, SQLite state folder on local disk, one in-process `TaskWorker` (concurrency 1 for the chain, {concurrency} for the independent tasks), the coordinator (`PipelineRunner` with `Queued`) in the same process. {Environment.ProcessorCount} cores; other jobs may share the machine.");
report.AppendLine();
report.AppendLine("| Run | Wall | Tasks/s | CPU per task | Total scheduling lag | Lag per task median / p99 | Claim to success median / p99 |");
report.AppendLine("| --- | --- | --- | --- | --- | --- | --- |");
foreach (var (name, linear, slots) in new[] { ("chain", true, 1), ("independent", false, concurrency) })
{
    var line = await MeasureAsync(name, linear, slots);
    Console.WriteLine(line);
    report.AppendLine(line);
}

report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Load average when done: {LoadAverage()}.");
report.AppendLine();
report.AppendLine("*Scheduling lag* of a task: from the moment it became ready (its upstream's success was recorded, or the run was queued) to its claim by the worker. *Claim to success*: the attempt itself (a no-op here) plus recording its outcome, which enqueues the downstream task in the same transaction.");
Directory.CreateDirectory(results);
var file = Path.Combine(results, $"issue8-worker-{DateTime.UtcNow:yyyy-MM-dd}.md");
await File.WriteAllTextAsync(file, report.ToString());
Console.WriteLine($"written to {file}");

async Task<string> MeasureAsync(string name, bool linear, int slots)
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
        var timed = new TimedQueue(workerStore);
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
            throw new InvalidOperationException($"the {name} run failed: {result.Run.Error}");
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

        // For independent tasks every lag includes the wait behind earlier tasks; the chain's lag is the pure hand-over.
        var totalLag = linear ? $"{lags.Sum() / 1000:0.00} s" : "n/a (all ready at once)";
        Console.WriteLine($"{name}: worker's queue calls: {timed.Summary}");
        return $"| {name} ({tasks} tasks, {slots} slot(s)) | {wall.TotalSeconds:0.00} s | {tasks / wall.TotalSeconds:0} | {cpu.TotalMilliseconds / tasks:0.0} ms | {totalLag} | {Percentile(lags, 0.5):0.0} / {Percentile(lags, 0.99):0.0} ms | {Percentile(attempts, 0.5):0.0} / {Percentile(attempts, 0.99):0.0} ms |";
    }
    finally
    {
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        state.Delete(recursive: true);
    }
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

static double Percentile(List<double> values, double p)
{
    var sorted = values.Order().ToList();
    return sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];
}
