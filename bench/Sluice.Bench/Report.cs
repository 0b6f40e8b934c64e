using System.Globalization;
using System.Runtime.InteropServices;
using System.Text;

namespace Sluice.Bench;

/// <summary>The final markdown: medians per side and size, the ratio, and the per-step breakdown.</summary>
internal static class Report
{
    public static string Markdown(BenchOptions options, IReadOnlyList<SizeResult> sizes)
    {
        var md = new StringBuilder();
        Line(md, $"# Issue #2 benchmark: Sluice vs direct DuckDB ({DateTime.Now:yyyy-MM-dd HH:mm})");
        Line(md, "");
        Line(md, $"Machine: {Environment.ProcessorCount} cores, {Gb(MemTotalBytes())} RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, DuckDB.NET.Data.Full 1.5.6.1. Shared and noisy: every figure is the **median of {options.Repeat} run(s)** per side, sides alternated (S B, B S, ...), both measured in the same run.");
        Line(md, $"Pipeline `bench/pipelines/orders_bench.yaml`: extract CSV -> clean (dedupe, fill/correct amounts, normalise email and category) -> daily revenue per day and category -> DuckDB warehouse (both tables, mode replace) + Parquet lake partitioned by order_date. DuckDB memory_limit {options.MemoryLimit} on both sides; wall time and peak RSS of the whole child process (`dotnet sluice.dll run ...` vs `sluice-bench --baseline`), .NET start-up included.");
        Line(md, "");
        Line(md, "| Input rows | CSV | Sluice wall (s) | DuckDB wall (s) | **Ratio** | Sluice rows/s | DuckDB rows/s | Sluice peak RSS | DuckDB peak RSS | CPU s S / D (ratio) | Peak spill S / D |");
        Line(md, "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
        foreach (var size in sizes)
        {
            var s = Seconds(size.Sluice);
            var d = Seconds(size.Baseline);
            Line(md, $"| {size.Data.Rows:N0} | {BenchData.Mb(size.Data.CsvBytes)} | {s:0.00} | {d:0.00} | **{s / d:0.00}x** | {size.Data.Rows / s:N0} | {size.Data.Rows / d:N0} | {BenchData.Mb(Rss(size.Sluice))} | {BenchData.Mb(Rss(size.Baseline))} | {Cpu(size.Sluice):0.0} / {Cpu(size.Baseline):0.0} ({Cpu(size.Sluice) / Cpu(size.Baseline):0.00}x) | {BenchData.Mb(size.Sluice.Select(r => (double)r.PeakSpillBytes).Median().ToLong())} / {BenchData.Mb(size.Baseline.Select(r => (double)r.PeakSpillBytes).Median().ToLong())} |");
        }

        Line(md, "");
        Line(md, "Target: ratio (median wall time) <= 1.3x, and peak RSS that does not grow with the input (compare the two sizes). CPU s is user + system time of the child (getrusage), which other load on the machine disturbs much less than wall time.");
        Line(md, "");
        Line(md, "## Outputs (identical on both sides, checked on every run by row counts and a hash of all columns)");
        Line(md, "");
        foreach (var size in sizes)
        {
            Line(md, $"- {size.Data.Rows:N0} input rows: {size.Sluice[0].Outputs}");
        }

        Line(md, "");
        Line(md, "## All runs (wall s / peak RSS / CPU s)");
        Line(md, "");
        foreach (var size in sizes)
        {
            Line(md, $"- {size.Data.Rows:N0} rows: sluice {Runs(size.Sluice)}; duckdb {Runs(size.Baseline)}");
        }

        Line(md, "");
        Line(md, "## Per-step medians (s)");
        Line(md, "");
        Line(md, "Sluice: task durations from its log (`success: N rows written in X`; tasks of one DAG level may overlap, max_parallel_tasks " + (options.MaxParallel?.ToString(CultureInfo.InvariantCulture) ?? "from the pipeline") + "). DuckDB: one statement each, sequential.");
        Line(md, "");
        foreach (var size in sizes)
        {
            Line(md, $"- {size.Data.Rows:N0} rows, sluice: {Steps(size.Sluice)}; sum {size.Sluice.Select(r => r.Steps.Values.Sum()).Median():0.0}, wall {Seconds(size.Sluice):0.0}");
            Line(md, $"- {size.Data.Rows:N0} rows, duckdb: {Steps(size.Baseline)}; sum {size.Baseline.Select(r => r.Steps.Values.Sum()).Median():0.0}, wall {Seconds(size.Baseline):0.0}");
        }

        return md.ToString();
    }

    private static double Seconds(IEnumerable<RunSample> runs) => runs.Select(r => r.Elapsed.TotalSeconds).Median();

    private static double Cpu(IEnumerable<RunSample> runs) => runs.Select(r => r.CpuTime.TotalSeconds).Median();

    private static long Rss(IEnumerable<RunSample> runs) => runs.Select(r => (double)r.PeakRssBytes).Median().ToLong();

    private static string Runs(IEnumerable<RunSample> runs) =>
        string.Join(", ", runs.Select(r => $"{r.Elapsed.TotalSeconds:0.00}/{BenchData.Mb(r.PeakRssBytes)}/CPU {r.CpuTime.TotalSeconds:0.0}"));

    private static string Steps(IReadOnlyList<RunSample> runs) =>
        string.Join(", ", runs[0].Steps.Keys.Select(k => $"{k} {runs.Select(r => r.Steps.GetValueOrDefault(k, double.NaN)).Median():0.0}"));

    public static double Median(this IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2;
    }

    private static long ToLong(this double value) => (long)Math.Round(value);

    private static long MemTotalBytes()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        return line is null ? 0 : long.Parse(line[9..].Trim().TrimEnd('B', 'k').Trim(), CultureInfo.InvariantCulture) * 1024;
    }

    private static string Gb(long bytes) => string.Create(CultureInfo.InvariantCulture, $"{bytes / 1073741824.0:0.0} GB");

    // The project sets InvariantGlobalization, so interpolated numbers use '.' and ',' as written here.
    private static void Line(StringBuilder md, string text) => md.AppendLine(text);
}
