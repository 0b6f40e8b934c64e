using System.Globalization;
using System.Text;

namespace Sluice.Bench.Cdc;

/// <summary>The markdown table of medians (over repeats) per variant, load and rate, written to bench/results.</summary>
internal static class Report
{
    public static string Write(CdcBenchOptions options, IReadOnlyList<Measurement> results)
    {
        var date = DateTime.UtcNow.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"# CDC from PostgreSQL to a PostgreSQL mirror: lag and throughput ({date}, median of {options.Repeat})");
        text.AppendLine();
        text.AppendLine(CultureInfo.InvariantCulture, $"`sluice cdc run` (child process) mirroring `bench_rows` under transactions of {LoadWriter.ChangesPerTransaction} changes (2 inserts, 2 updates, 1 delete) from {options.Writers} connections, {options.Seconds} s measured per rate after {options.Warmup} s of warm-up; backlog: {options.DrainSeconds} s written flat out with no consumer, then drained. Lag = time the target's position row showed the transaction applied minus the source's clock just before its commit. Source, target, writer and sluice share one 2-core machine.");
        text.AppendLine();
        text.AppendLine("| variant | load | offered/s | written/s | applied/s | lag p50 ms | lag p99 ms | lag max ms | sluice CPU ms per 1k changes | load average (end) |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var group in results.GroupBy(r => (r.Variant, r.Load, r.OfferedRate)))
        {
            double Median(Func<Measurement, double> pick) => Measurement.Percentile(group.Select(pick).Where(v => !double.IsNaN(v)).Order().ToList(), 0.5);
            string Ms(Func<Measurement, double> pick) => double.IsNaN(Median(pick)) ? "-" : (Median(pick) * 1000).ToString("N0", CultureInfo.InvariantCulture);
            text.AppendLine(CultureInfo.InvariantCulture,
                $"| {group.Key.Variant} | {group.Key.Load} | {(group.Key.OfferedRate == 0 ? "max" : group.Key.OfferedRate.ToString("N0", CultureInfo.InvariantCulture))} | {Median(r => r.WrittenPerSecond):N0} | {Median(r => r.AppliedPerSecond):N0} | {Ms(r => r.LagP50)} | {Ms(r => r.LagP99)} | {Ms(r => r.LagMax)} | {Median(r => r.CpuPerThousand) * 1000:N0} | {group.Last().LoadAverage} |");
        }

        Directory.CreateDirectory(options.Results);
        var path = Path.Combine(options.Results, $"issue9-cdc-{date}.md");
        File.WriteAllText(path, text.ToString());
        return path;
    }
}
