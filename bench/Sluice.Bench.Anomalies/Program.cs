using System.Diagnostics;
using System.Globalization;
using System.Text;
using Sluice.Anomalies;
using Sluice.Metadata.Sqlite;
using Sluice.Bench.Anomalies;
using Sluice.Model;

// Anomaly baseline cost (issue 7): a year of daily history in a SQLite event log, read back and judged.
// Usage: sluice-bench-anomalies [--days 365] [--metrics 10] [--other-events 25] [--repeat 30] [--results bench/results] [--keep DIR]
// --keep seeds the logs into DIR once and reuses them on later runs (seeding appends event by event, about a minute per log).
var options = args.Select((a, i) => (a, i)).Where(p => p.a.StartsWith("--", StringComparison.Ordinal))
    .ToDictionary(p => p.a[2..], p => p.i + 1 < args.Length ? args[p.i + 1] : string.Empty, StringComparer.Ordinal);
int Option(string name, int fallback) => options.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
var days = Option("days", 365);
var metrics = Option("metrics", 10);
var otherEvents = Option("other-events", 25);
var repeat = Option("repeat", 30);
var results = options.GetValueOrDefault("results") ?? "bench/results";

var keep = options.GetValueOrDefault("keep");
var folder = keep is null ? Directory.CreateTempSubdirectory("sluice-bench-anomalies-") : Directory.CreateDirectory(keep);
try
{
    var first = new DateOnly(2025, 1, 1);
    var target = first.AddDays(days);
    var rows = new List<string[]>();
    foreach (var metricCount in new[] { 1, metrics })
    {
        var path = Path.Combine(folder.FullName, $"sluice-{days}d-{metricCount}m-{otherEvents}e.db");
        var seeded = File.Exists(path);
        await using var store = await SqliteMetadataStore.OpenAsync(path);
        var seeding = Stopwatch.StartNew();
        var events = seeded ? (int)(await store.ReadAsync(new Sluice.Events.EventQuery { Limit = int.MaxValue }, CancellationToken.None)).Count : 0;
        if (!seeded)
        {
            events = await HistorySeeder.SeedAsync(store, "shop", first, days, metricCount, otherEvents, 1);
            events += await HistorySeeder.SeedAsync(store, "other_pipeline", first, days, metricCount, otherEvents, 100_000);
        }

        Console.WriteLine($"{(seeded ? "reused" : "seeded")} {events} events for {metricCount} metric(s) in {seeding.Elapsed.TotalSeconds:0.0} s ({new FileInfo(path).Length / 1024} KiB)");

        var read = new List<double>();
        var detect = new List<double>();
        var total = new List<double>();
        var cpu = new List<double>();
        var anomalies = 0;
        using var self = Process.GetCurrentProcess();
        for (var r = 0; r < repeat + 2; r++)
        {
            self.Refresh();
            var cpuBefore = self.TotalProcessorTime;
            var clock = Stopwatch.StartNew();
            var history = await MetricHistory.ReadAsync(store, "shop", exceptRun: null, CancellationToken.None);
            var afterRead = clock.Elapsed.TotalMilliseconds;
            foreach (var (key, points) in history)
            {
                // The new day at Saturday level on a weekday: every metric is judged, some flagged.
                var verdict = AnomalyDetector.Evaluate(points, target, points[^1].Value * 3, new AnomalySettings());
                anomalies += verdict.IsAnomaly ? 1 : 0;
            }

            var all = clock.Elapsed.TotalMilliseconds;
            self.Refresh();
            var cpuUsed = (self.TotalProcessorTime - cpuBefore).TotalMilliseconds;
            if (r >= 2)
            {
                // The first two passes warm the JIT and the page cache.
                read.Add(afterRead);
                detect.Add((all - afterRead) / history.Count);
                total.Add(all / history.Count);
                cpu.Add(cpuUsed / history.Count);
            }

            if (history.Count != metricCount || history.Values.Any(p => p.Count < days * 49 / 50))
            {
                throw new InvalidOperationException($"read {history.Count} metrics with {history.Values.Min(p => p.Count)}..{history.Values.Max(p => p.Count)} points; expected {metricCount} with about {days}");
            }
        }

        rows.Add([metricCount.ToString(CultureInfo.InvariantCulture), events.ToString(CultureInfo.InvariantCulture), Ms(Median(read)), Ms(Median(detect)), Ms(Median(total)), Ms(Median(cpu)), Ms(total.Max())]);
        Console.WriteLine($"{metricCount} metric(s): read {Ms(Median(read))} ms, detect {Ms(Median(detect))} ms/metric, total {Ms(Median(total))} ms/metric, CPU {Ms(Median(cpu))} ms/metric (max {Ms(total.Max())}); {anomalies} verdicts flagged");
    }

    var report = new StringBuilder();
    report.AppendLine(CultureInfo.InvariantCulture, $"# Issue 7: anomaly baseline cost, {DateTime.UtcNow:yyyy-MM-dd}");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"`dotnet run -c Release --project bench/Sluice.Bench.Anomalies -- --days {days} --metrics {metrics} --other-events {otherEvents} --repeat {repeat}`");
    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"A SQLite event log (`SqliteMetadataStore`) holding {days} daily runs of the pipeline and {days} of another one; each run has");
    report.AppendLine(CultureInfo.InvariantCulture, $"{otherEvents} other events (task states, log lines), one `metric_observed` per metric, `run_started` and `run_finished` (every 50th run failed).");
    report.AppendLine("One pass = `MetricHistory.ReadAsync` (every metric of the pipeline, latest successful run per day) + `AnomalyDetector.Evaluate` for each metric.");
    report.AppendLine(CultureInfo.InvariantCulture, $"Median of {repeat} passes after 2 warm-up passes. Target: < 50 ms per metric, history read included.");
    report.AppendLine();
    report.AppendLine("| metrics | events in the log | read history (ms, all metrics) | detect (ms per metric) | read + detect (ms per metric) | process CPU of a pass (ms per metric) | slowest pass (ms per metric) |");
    report.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
    foreach (var row in rows)
    {
        report.AppendLine("| " + string.Join(" | ", row) + " |");
    }

    report.AppendLine();
    report.AppendLine(CultureInfo.InvariantCulture, $"Machine: {Environment.ProcessorCount} cores, {System.Runtime.InteropServices.RuntimeInformation.OSDescription}, .NET {Environment.Version}; load average {LoadAverage()} when the report was written (other jobs share the machine, so wall times are upper bounds; the CPU column is the process's own time, which includes background JIT and GC threads).");
    Directory.CreateDirectory(results);
    var file = Path.Combine(results, $"issue7-anomaly-{DateTime.UtcNow:yyyy-MM-dd}.md");
    await File.WriteAllTextAsync(file, report.ToString());
    Console.WriteLine(report);
    Console.WriteLine($"written to {file}");
}
finally
{
    if (keep is null)
    {
        folder.Delete(recursive: true);
    }
}

static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(" ", File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "unknown";

static double Median(List<double> values) => AnomalyDetector.Median(values);

static string Ms(double value) => value.ToString(value < 1 ? "0.000" : "0.0", CultureInfo.InvariantCulture);
