using System.Globalization;
using System.Text;
using Sluice.Bench.Workers;

// Issue #8: the cost of running tasks through the SQLite queue and one in-process worker. Chains of N
// no-op tasks (each waits for the previous one, so the scheduling lag adds up), run alternately with
// scoped outcomes (each reads its task's neighbourhood) and the baseline (each reads the whole run), N
// independent tasks, and a backfill of daily intervals; then the same chain and independent tasks on SQLite
// with one worker, PostgreSQL with one and PostgreSQL with three (--postgres). The figures come from the
// event log's timestamps.
// Usage: sluice-bench-workers [--sizes 100,300,1000] [--repeat 3] [--slots 4] [--backfill-days 365]
//        [--max-active 4] [--independent 1000] [--postgres 1000] [--results bench/results]   (0 skips a part)
var sizes = Option("sizes", "100,300,1000").Split(',').Select(s => int.Parse(s, CultureInfo.InvariantCulture)).Where(s => s > 0).ToList();
var repeat = int.Parse(Option("repeat", "3"), CultureInfo.InvariantCulture);
var slots = int.Parse(Option("slots", "4"), CultureInfo.InvariantCulture);
var independent = int.Parse(Option("independent", "1000"), CultureInfo.InvariantCulture);
var backfillDays = int.Parse(Option("backfill-days", "365"), CultureInfo.InvariantCulture);
var maxActive = int.Parse(Option("max-active", "4"), CultureInfo.InvariantCulture);
var results = Option("results", "bench/results");
var postgres = int.Parse(Option("postgres", "1000"), CultureInfo.InvariantCulture);
Directory.CreateDirectory(results);
if (postgres > 0)
{
    var loadBefore = LoadAverage();
    var compared = await BackendComparison.RunAsync(postgres, repeat, slots);
    var text = new StringBuilder();
    text.AppendLine(CultureInfo.InvariantCulture, $"# Issue 8: scheduling lag on SQLite and PostgreSQL, one and three workers ({DateTime.UtcNow:yyyy-MM-dd})");
    text.AppendLine();
    text.AppendLine(CultureInfo.InvariantCulture, $"No-op tasks; the coordinator (`PipelineRunner` with `Queued`) and the workers are in one process, each worker a `TaskWorker` with the default options but its slots (poll 1 s: a worker reaps expired leases, two transactions, at most once a poll before it claims) on a store of its own (its own connection pool, and on PostgreSQL its own LISTEN connection, as a separate process would have). SQLite: a state folder on local disk. PostgreSQL: the shared test server on 127.0.0.1, a fresh schema per run. {Environment.ProcessorCount} cores shared with other jobs. {repeat} repetitions per side, the sides' order rotating, medians.");
    text.AppendLine();
    text.Append(compared);
    text.AppendLine(CultureInfo.InvariantCulture, $"Load average before: {loadBefore}; after: {LoadAverage()}.");
    text.AppendLine();
    text.AppendLine("*Scheduling lag* of a chain task: from its upstream's success (as recorded in the event log) to its claim by a worker. *Claim to success*: the attempt itself, including recording its outcome. *Max running*: the most attempts running at once, from the event log. Target (issue 8): under 1 s of total lag for 1,000 linear trivial tasks on one worker; Airflow 2.0's published figure is 11.6 s on four Celery workers.");
    var compareFile = Path.Combine(results, $"issue8-worker-postgres-{DateTime.UtcNow:yyyy-MM-dd}.md");
    await File.WriteAllTextAsync(compareFile, text.ToString());
    Console.WriteLine($"written to {compareFile}");
}

if (sizes.Count == 0 && independent == 0 && backfillDays == 0)
{
    return;
}

var report = new StringBuilder();
report.AppendLine(CultureInfo.InvariantCulture, $"# Issue 8: scheduling lag through the worker queue ({DateTime.UtcNow:yyyy-MM-dd})");
report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"No-op tasks, SQLite state folder on local disk, one in-process `TaskWorker`, the coordinator (`PipelineRunner` with `Queued`) in the same process. {Environment.ProcessorCount} cores; other jobs may share the machine. Chains: {repeat} repetitions per side, sides alternating, medians.");
report.AppendLine();
report.AppendLine("## Chains: scoped outcomes vs whole-run reads (baseline), same run");
report.AppendLine();
report.AppendLine("| Chain | Side | Total lag | Lag per task median / p99 | Worker's finish call (mean) | Claim call (mean) | Finish return to next claim (median) | CPU per task | Wall |");
report.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
var ratios = new List<string>();
foreach (var size in sizes)
{
    var sides = new Dictionary<bool, List<QueueRunFigures>> { [false] = [], [true] = [] };
    for (var r = 0; r < repeat; r++)
    {
        foreach (var whole in r % 2 == 0 ? new[] { false, true } : [true, false])
        {
            var f = await QueueRun.MeasureAsync(size, linear: true, slots: 1, wholeRun: whole);
            sides[whole].Add(f);
            Console.WriteLine($"chain {size} {(whole ? "whole-run" : "scoped")}: total lag {f.TotalLagS:0.00} s, lag median {f.LagMedianMs:0.0} ms, finish {f.FinishMs:0.00} ms, finish-to-claim {f.GapMs:0.00} ms, wall {f.WallS:0.00} s; {f.Calls}");
        }
    }

    foreach (var (whole, list) in sides.OrderBy(s => s.Key))
    {
        var line = $"| {size} tasks | {(whole ? "whole run (baseline)" : "scoped")} | {Stats.Median(list.Select(f => f.TotalLagS)):0.00} s | {Stats.Median(list.Select(f => f.LagMedianMs)):0.0} / {Stats.Median(list.Select(f => f.LagP99Ms)):0.0} ms | {Stats.Median(list.Select(f => f.FinishMs)):0.00} ms | {Stats.Median(list.Select(f => f.ClaimMs)):0.00} ms | {Stats.Median(list.Select(f => f.GapMs)):0.00} ms | {Stats.Median(list.Select(f => f.CpuMsPerTask)):0.0} ms | {Stats.Median(list.Select(f => f.WallS)):0.00} s |";
        Console.WriteLine(line);
        report.AppendLine(line);
    }

    double Ratio(Func<QueueRunFigures, double> of) => Stats.Median(sides[true].Select(of)) / Math.Max(1e-9, Stats.Median(sides[false].Select(of)));
    ratios.Add($"- {size} tasks: total lag {Ratio(f => f.TotalLagS):0.0}× lower, finish call {Ratio(f => f.FinishMs):0.0}× cheaper, wall {Ratio(f => f.WallS):0.0}× shorter (baseline / scoped, medians).");
}

report.AppendLine();
report.AppendLine("Ratios:");
report.AppendLine();
ratios.ForEach(r => report.AppendLine(r));
if (independent > 0)
{
    var f = await QueueRun.MeasureAsync(independent, linear: false, slots: slots, wholeRun: false);
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"## {independent} independent tasks, {slots} slots (scoped)");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Wall {f.WallS:0.00} s, {independent / f.WallS:0} tasks/s, CPU per task {f.CpuMsPerTask:0.0} ms; wait from queued to claim median / p99 {f.LagMedianMs:0} / {f.LagP99Ms:0} ms (includes waiting behind earlier tasks); claim to success median / p99 {f.AttemptMedianMs:0.0} / {f.AttemptP99Ms:0.0} ms. Queue calls: {f.Calls}.");
    Console.WriteLine($"independent: wall {f.WallS:0.00} s; {f.Calls}");
}

if (backfillDays > 0)
{
    var b = await BackfillRun.MeasureAsync(backfillDays, maxActive);
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"## Backfill: {backfillDays} daily intervals of a 4-task no-op pipeline, --max-active {maxActive}, one worker with {maxActive} slots");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Wall {b.WallS:0.0} s, {b.TasksPerS:0.0} tasks/s, {backfillDays / b.WallS:0.00} intervals/s; one interval's run median / p99 {b.RunMedianS:0.00} / {b.RunP99S:0.00} s. Worker's queue calls: {b.Calls}.");
    Console.WriteLine($"backfill: wall {b.WallS:0.0} s, {b.TasksPerS:0.0} tasks/s; {b.Calls}");
}

report.AppendLine();
report.AppendLine(CultureInfo.InvariantCulture, $"Load average when done: {LoadAverage()}.");
report.AppendLine();
report.AppendLine("*Scheduling lag* of a chain task: from its upstream's success (as recorded in the event log) to its claim by the worker. *Finish call*: the worker's `FinishAsync`, which records the outcome and enqueues the downstream in the same transaction. The baseline runs the same store through a wrapper that answers every partial snapshot with \"read the whole run\", i.e. what every outcome read before.");
var file = Path.Combine(results, $"issue8-worker-lag-{DateTime.UtcNow:yyyy-MM-dd}.md");
await File.WriteAllTextAsync(file, report.ToString());
Console.WriteLine($"written to {file}");

static string LoadAverage() => File.Exists("/proc/loadavg") ? File.ReadAllText("/proc/loadavg").Trim() : "unknown";

string Option(string name, string fallback)
{
    var at = Array.IndexOf(args, $"--{name}");
    return at >= 0 && at + 1 < args.Length ? args[at + 1] : fallback;
}
