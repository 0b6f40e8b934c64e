using System.Runtime.InteropServices;
using System.Text;

namespace Sluice.Bench.Transforms;

/// <summary>Everything one invocation measured, for the markdown report.</summary>
internal sealed record BenchRun(TBenchOptions Options, BenchData Data, string DuckDbVersion, string LoadBefore, string LoadAfter, DateTime Started, TimeSpan Took)
{
    public IReadOnlyList<StepResult> Steps { get; init; } = [];
    public PandasResult? Pandas { get; init; }
    public Scd2Result? Scd2 { get; init; }
    public ChainResult? Chain { get; init; }
    public IReadOnlyList<string> Failures { get; init; } = [];
}

/// <summary>The markdown result: machine, per-part tables of medians and ratios, every run.</summary>
internal static class Report
{
    public const double Target = 1.2;

    public static string Markdown(BenchRun run)
    {
        var md = new StringBuilder();
        void Line(FormattableString text) => md.AppendLine(Stats.Invariant(text));
        var o = run.Options;
        Line($"# Issues #4 and #10 benchmark: transform steps, pandas, SCD2, the reference chain ({run.Started:yyyy-MM-dd HH:mm})");
        Line($"");
        Line($"Machine: {Environment.ProcessorCount} cores, {Stats.MemTotal()} RAM, {RuntimeInformation.OSDescription}, .NET {Environment.Version}, DuckDB {run.DuckDbVersion} (DuckDB.NET.Data.Full). Shared with other agents: load average (1/5/15 min) {run.LoadBefore} before, {run.LoadAfter} after; the whole bench took {run.Took.TotalMinutes:0} min. Every figure is the **median of {o.Repeat} run(s)** per side, the sides alternating (A B, B A, ...), both measured in the same run. DuckDB memory_limit {Engine.DuckDb.DuckDbSettings.Default.MemoryLimit}, all cores, on both sides.");
        Line($"");
        Line($"Command: `dotnet run -c Release --project bench/Sluice.Bench.Transforms -- --rows {o.Rows} --repeat {o.Repeat} --dim-rows {o.DimRows}`. Input: {run.Data.Rows:N0} generated order rows (generate.sql: 2.5% exact duplicates, ~1% null customers, 2% null amounts, 0.5% amount outliers, e-mails and categories with stray spaces/tabs/capitals, dates as padded text with ~0.6% garbage), {run.Data.Customers:N0} customers, a {run.Data.DimRows:N0}-row dimension.");
        foreach (var failure in run.Failures)
        {
            Line($"");
            Line($"**Part failed**: {failure}");
        }

        if (run.Steps.Count > 0)
        {
            StepsSection(md, run);
        }

        if (run.Pandas is { } pandas)
        {
            PandasSection(md, run, pandas);
        }

        if (run.Scd2 is { } scd2)
        {
            Scd2Section(md, scd2);
        }

        if (run.Chain is { } chain)
        {
            ChainBench.Section(md, run.Data, chain);
        }

        return md.ToString();
    }

    private static void StepsSection(StringBuilder md, BenchRun run)
    {
        void Line(FormattableString text) => md.AppendLine(Stats.Invariant(text));
        Line($"");
        Line($"## 1. Each step vs hand-written DuckDB SQL ({run.Data.Rows:N0} rows, Parquet to Parquet)");
        Line($"");
        Line($"Sluice: the task of `steps_bench.yaml` through the real `PipelineRunner` in this process (a resumed run that reuses the staged input; the whole `RunAsync` call is timed, and the task's own time from its run record is shown too). DuckDB: the section of `steps_baseline.sql` as `COPY (...) TO ... (FORMAT parquet, COMPRESSION snappy)` on a fresh DuckDB.NET connection, over the same staged Parquet file. After every pair the two output files must have the same columns, types, rows and row order.");
        Line($"");
        Line($"| Step task | Output rows | Sluice run (s) | Sluice task (s) | DuckDB SQL (s) | **Ratio** run / SQL | Task / SQL | CPU s Sluice / DuckDB | <= {Target} |");
        Line($"|---|---:|---:|---:|---:|---:|---:|---:|:-:|");
        foreach (var step in run.Steps)
        {
            var (s, t, b) = (step.Sluice.Select(r => r.WallSeconds).Median(), step.Sluice.Select(r => r.TaskSeconds).Median(), step.Baseline.Select(r => r.WallSeconds).Median());
            var (cs, cb) = (step.Sluice.Select(r => r.CpuSeconds).Median(), step.Baseline.Select(r => r.CpuSeconds).Median());
            Line($"| {step.Name} | {step.Output.Rows:N0} | {s:0.00} | {t:0.00} | {b:0.00} | **{s / b:0.00}** | {t / b:0.00} | {cs:0.0} / {cb:0.0} | {(s / b <= Target ? "yes" : "no")} |");
        }

        Line($"");
        Line($"All runs (wall s; Sluice run / DuckDB SQL):");
        Line($"");
        foreach (var step in run.Steps)
        {
            Line($"- {step.Name}: sluice {Stats.Seconds(step.Sluice.Select(r => r.WallSeconds))}; duckdb {Stats.Seconds(step.Baseline.Select(r => r.WallSeconds))}");
        }

        var logged = run.Steps.SelectMany(s => s.Log).Where(l => l.Contains("step '", StringComparison.Ordinal)).ToList();
        if (logged.Count > 0)
        {
            Line($"");
            Line($"What the steps reported in the run log (first run):");
            Line($"");
            foreach (var line in logged)
            {
                Line($"- `{line}`");
            }
        }
    }

    private static void PandasSection(StringBuilder md, BenchRun run, PandasResult pandas)
    {
        void Line(FormattableString text) => md.AppendLine(Stats.Invariant(text));
        var (s, p) = (pandas.Sluice.Select(r => r.WallSeconds).Median(), pandas.Pandas.Select(r => r.WallSeconds).Median());
        var (rs, rp) = (pandas.Sluice.Select(r => (double)r.PeakRssBytes).Median(), pandas.Pandas.Select(r => (double)r.PeakRssBytes).Median());
        Line($"");
        Line($"## 2. Sluice vs pandas ({run.Data.Rows:N0} rows of CSV)");
        Line($"");
        Line($"`pandas_pipeline.py` under Debian's `/usr/bin/python3` (pandas 1.5.3; no pyarrow, so both read `orders.csv`) against `pandas_pipeline.yaml` under the built CLI (`dotnet sluice.dll run ... --state-dir <fresh>`), each its own process, timed from start to exit, peak RSS from /proc/PID/status (VmHWM) polled every 20 ms. Both: read CSV, drop_duplicates by order_id, fill quantity with 1 and amount with the median, remove amount outliers (IQR 1.5), lower/strip e-mail and category, parse the date (bad -> null), map categories (unmapped -> null), then revenue / orders / unique customers per day and category, written out.");
        Line($"");
        Line($"| Side | Wall (s) | Peak RSS | All runs (s) | All peak RSS |");
        Line($"|---|---:|---:|---|---|");
        Line($"| Sluice CLI | {s:0.0} | {Stats.Mb((long)rs)} | {Stats.Seconds(pandas.Sluice.Select(r => r.WallSeconds))} | {string.Join(", ", pandas.Sluice.Select(r => Stats.Mb(r.PeakRssBytes)))} |");
        Line($"| pandas | {p:0.0} | {Stats.Mb((long)rp)} | {Stats.Seconds(pandas.Pandas.Select(r => r.WallSeconds))} | {string.Join(", ", pandas.Pandas.Select(r => Stats.Mb(r.PeakRssBytes)))} |");
        Line($"");
        Line($"**Speed-up of Sluice over pandas: {p / s:0.00}x** (pandas median wall / Sluice median wall); Sluice's peak RSS is {rs / rp:0.00}x pandas'.");
        Line($"Same result on every repetition: {pandas.Totals}; all {pandas.GroupsCompared:N0} groups equal (counts exact, revenue within 1e-9).");
    }

    private static void Scd2Section(StringBuilder md, Scd2Result scd2)
    {
        void Line(FormattableString text) => md.AppendLine(Stats.Invariant(text));
        var (s, r) = (scd2.Scd2.Select(x => x.WallSeconds).Median(), scd2.Replace.Select(x => x.WallSeconds).Median());
        var (ts, tr) = (scd2.Scd2.Select(x => x.TaskSeconds).Median(), scd2.Replace.Select(x => x.TaskSeconds).Median());
        Line($"");
        Line($"## 3. SCD2 vs replace ({scd2.DimRows:N0}-row dimension, {scd2.Changed:N0} changed)");
        Line($"");
        Line($"`scd2_bench.yaml` through the real runner in this process: the next day's snapshot loaded by the DuckDB sink with `mode: scd2` (key customer_id, every other column tracked) or `mode: replace`, each into a fresh copy of a warehouse file that already holds day 1 (the dimension after its first scd2 load, and the same rows as a plain table). Checked after every scd2 load: {scd2.Changed:N0} versions opened and closed, {scd2.DimRows:N0} current plus the unknown member.");
        Line($"");
        Line($"| Load | Run (s) | Task (s) | All runs (s) |");
        Line($"|---|---:|---:|---|");
        Line($"| mode: scd2 | {s:0.00} | {ts:0.00} | {Stats.Seconds(scd2.Scd2.Select(x => x.WallSeconds))} |");
        Line($"| mode: replace | {r:0.00} | {tr:0.00} | {Stats.Seconds(scd2.Replace.Select(x => x.WallSeconds))} |");
        Line($"");
        Line($"**Ratio scd2 / replace: {s / r:0.00}** (task times: {ts / tr:0.00}).");
    }
}
