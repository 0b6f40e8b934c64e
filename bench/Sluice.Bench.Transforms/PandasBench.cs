using System.Globalization;
using System.Text.Json;

namespace Sluice.Bench.Transforms;

/// <summary>What one side computed: cleaned rows, summary groups and the summary's column sums.</summary>
internal sealed record Totals(long CleanRows, long Groups, double Revenue, long Orders, long Customers)
{
    public override string ToString() => Stats.Invariant($"{CleanRows:N0} clean rows, {Groups:N0} groups, revenue {Revenue:N2}, orders {Orders:N0}, unique customers (summed over groups) {Customers:N0}");
}

internal sealed record PandasResult(IReadOnlyList<ChildResult> Sluice, IReadOnlyList<ChildResult> Pandas, Totals Totals, long GroupsCompared);

/// <summary>
/// Part 2: pandas_pipeline.py under Debian's python3 against pandas_pipeline.yaml under the built
/// sluice CLI, each its own process (so peak RSS is its own), alternating; both read orders.csv, and
/// after every pair their totals and every group of their summaries must agree.
/// </summary>
internal static class PandasBench
{
    private const string Python = "/usr/bin/python3";

    public static async Task<PandasResult> RunAsync(TBenchOptions options, BenchData data)
    {
        var work = Path.Combine(data.Dir, "pandas");
        Directory.CreateDirectory(work);
        BenchData.WarmPageCache(data.OrdersCsv);
        var sluiceRuns = new List<ChildResult>();
        var pandasRuns = new List<ChildResult>();
        Totals? totals = null;
        long groups = 0;
        for (var repetition = 1; repetition <= options.Repeat; repetition++)
        {
            foreach (var side in repetition % 2 == 1 ? new[] { "sluice", "pandas" } : ["pandas", "sluice"])
            {
                var run = side == "sluice" ? await RunSluiceAsync(options, data, work, repetition) : await RunPandasAsync(options, data, work, repetition);
                (side == "sluice" ? sluiceRuns : pandasRuns).Add(run);
            }

            (totals, groups) = await CompareAsync(work);
            Console.WriteLine(Stats.Invariant(
                $"  pandas #{repetition}: sluice {sluiceRuns[^1].WallSeconds:0.0} s, peak RSS {Stats.Mb(sluiceRuns[^1].PeakRssBytes)}; pandas {pandasRuns[^1].WallSeconds:0.0} s, peak RSS {Stats.Mb(pandasRuns[^1].PeakRssBytes)}; same result: {totals}"));
        }

        return new PandasResult(sluiceRuns, pandasRuns, totals!, groups);
    }

    private static async Task<ChildResult> RunSluiceAsync(TBenchOptions options, BenchData data, string work, int repetition)
    {
        var state = Reset(Path.Combine(work, "sluice-state"));
        Reset(Path.Combine(work, "sluice-out"));
        var environment = new Dictionary<string, string> { ["TBENCH_DATA"] = data.Dir, ["TBENCH_OUT"] = Path.Combine(work, "sluice-out"), ["SLUICE_PLAIN"] = "1" };
        string[] args = [Path.Combine(AppContext.BaseDirectory, "sluice.dll"), "run", Path.Combine(options.BenchDir, "pandas_pipeline.yaml"), "--date", "2024-03-01", "--state-dir", state];
        return Ensure("sluice", await ChildProcess.RunAsync("dotnet", args, environment, Path.Combine(work, $"sluice-{repetition}.log")));
    }

    private static async Task<ChildResult> RunPandasAsync(TBenchOptions options, BenchData data, string work, int repetition)
    {
        File.Delete(Path.Combine(work, "pandas_result.json"));
        string[] args = [Path.Combine(options.BenchDir, "pandas_pipeline.py"), data.OrdersCsv, Path.Combine(work, "pandas_summary.csv"), Path.Combine(work, "pandas_result.json")];
        return Ensure("pandas", await ChildProcess.RunAsync(Python, args, new Dictionary<string, string>(), Path.Combine(work, $"pandas-{repetition}.log")));
    }

    /// <summary>Both sides' totals must be equal (sums within 1e-9), and so must every group of the two summaries.</summary>
    private static async Task<(Totals Totals, long Groups)> CompareAsync(string work)
    {
        var json = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(work, "pandas_result.json"))).RootElement;
        var pandas = new Totals(json.GetProperty("clean_rows").GetInt64(), json.GetProperty("groups").GetInt64(), json.GetProperty("revenue").GetDouble(), json.GetProperty("orders").GetInt64(), json.GetProperty("customers").GetInt64());
        await using var connection = await Duck.OpenAsync();
        var clean = Path.Combine(work, "sluice-state", "artifacts", "tbench_pandas", "2024-03-01", "orders_clean.parquet");
        var summary = $"read_parquet({Duck.Literal(Path.Combine(work, "sluice-out", "daily_summary", "**", "*.parquet"))})";
        var row = (await Duck.QueryAsync(connection, $"SELECT (SELECT count(*) FROM read_parquet({Duck.Literal(clean)})), count(*), sum(revenue), sum(orders)::BIGINT, sum(customers)::BIGINT FROM {summary}"))[0];
        var sluice = new Totals(Long(row[0]), Long(row[1]), Convert.ToDouble(row[2], CultureInfo.InvariantCulture), Long(row[3]), Long(row[4]));
        var sameSums = Math.Abs(sluice.Revenue - pandas.Revenue) <= 1e-9 * Math.Abs(pandas.Revenue);
        if (!sameSums || sluice with { Revenue = 0 } != pandas with { Revenue = 0 })
        {
            throw new BenchException($"pandas and sluice disagree!\n  sluice: {sluice}\n  pandas: {pandas}");
        }

        var pandasSummary = $"read_csv({Duck.Literal(Path.Combine(work, "pandas_summary.csv"))}, types = {{'order_date': 'DATE'}})";
        var differing = await Duck.ScalarAsync<long>(connection, $"""
            SELECT count(*) FROM {summary} AS s
            FULL JOIN {pandasSummary} AS p
              ON s.order_date = p.order_date AND s.category = p.category
            WHERE s.orders IS DISTINCT FROM p.orders OR s.customers IS DISTINCT FROM p.customers
               OR abs(s.revenue - p.revenue) > 1e-9 * abs(p.revenue) OR s.revenue IS NULL OR p.revenue IS NULL
            """);
        return differing == 0 ? (sluice, sluice.Groups) : throw new BenchException($"{differing} group(s) of the daily summary differ between sluice and pandas");
    }

    private static long Long(object? value) => Convert.ToInt64(value, CultureInfo.InvariantCulture);

    private static ChildResult Ensure(string side, ChildResult result) =>
        result.ExitCode == 0 ? result : throw new BenchException($"{side} failed with exit code {result.ExitCode}:\n{string.Join('\n', result.Output.Split('\n').TakeLast(15))}");

    private static string Reset(string dir)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
        return dir;
    }
}
