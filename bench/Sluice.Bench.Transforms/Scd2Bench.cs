namespace Sluice.Bench.Transforms;

internal sealed record Scd2Result(long DimRows, long Changed, IReadOnlyList<SluiceRun> Scd2, IReadOnlyList<SluiceRun> Replace);

/// <summary>
/// Part 3: the DuckDB sink loading the next day's snapshot of a 1M-row dimension (1% changed) with
/// mode scd2, against mode replace of the same rows. Both load into a fresh copy of one warehouse that
/// already holds the first day (built once by the same pipeline); the sides alternate, and every scd2
/// load must open exactly one version per changed customer.
/// </summary>
internal static class Scd2Bench
{
    private static readonly DateOnly Day1 = new(2024, 3, 1);
    private static readonly DateOnly Day2 = new(2024, 3, 2);

    public static async Task<Scd2Result> RunAsync(TBenchOptions options, BenchData data)
    {
        var work = Path.Combine(data.Dir, "scd2");
        Directory.CreateDirectory(work);
        var template = Path.Combine(work, "day1.duckdb");
        var warehouse = Path.Combine(work, "warehouse.duckdb");
        File.Delete(template);
        Environment.SetEnvironmentVariable("TBENCH_DATA", data.Dir);
        await using var sluice = await InProcessSluice.OpenAsync(Path.Combine(work, "state"));
        var pipeline = sluice.Load(Path.Combine(options.BenchDir, "scd2_bench.yaml"));

        // Day 1: the whole pipeline builds the warehouse both loads start from.
        Environment.SetEnvironmentVariable("TBENCH_WAREHOUSE", template);
        await sluice.RunAsync(pipeline, Day1, resume: false, timedTask: null);
        await sluice.RunAsync(pipeline, Day2, resume: false, timedTask: null, "extract_customers");
        var changed = await CountChangedAsync(data);
        BenchData.WarmPageCache(template, sluice.DatasetPath(pipeline, Day2, "customers"));

        Environment.SetEnvironmentVariable("TBENCH_WAREHOUSE", warehouse);
        var scd2 = new List<SluiceRun>();
        var replace = new List<SluiceRun>();
        for (var repetition = 1; repetition <= options.Repeat; repetition++)
        {
            foreach (var task in repetition % 2 == 1 ? new[] { "load_scd2", "load_replace" } : ["load_replace", "load_scd2"])
            {
                File.Copy(template, warehouse, overwrite: true);
                File.Delete(warehouse + ".wal");
                // A resumed run reuses a sink that succeeded in the run before it (RunExecution does not
                // exclude sinks, though docs/architecture.md says sinks always run again), so the run
                // before each measured load holds only the extract.
                await sluice.RunAsync(pipeline, Day2, resume: true, timedTask: null, "extract_customers");
                var run = await sluice.RunAsync(pipeline, Day2, resume: true, timedTask: task, "extract_customers", task);
                await CheckAsync(warehouse, task, data.DimRows, changed);
                (task == "load_scd2" ? scd2 : replace).Add(run);
            }

            Console.WriteLine(Stats.Invariant(
                $"  scd2 #{repetition}: scd2 {scd2[^1].WallSeconds:0.00} s (task {scd2[^1].TaskSeconds:0.00}), replace {replace[^1].WallSeconds:0.00} s (task {replace[^1].TaskSeconds:0.00}); ratio {scd2[^1].WallSeconds / replace[^1].WallSeconds:0.00}; {changed:N0} versions opened"));
        }

        return new Scd2Result(data.DimRows, changed, scd2, replace);
    }

    /// <summary>Customers whose day-2 row differs from day 1: the versions an SCD2 load must open.</summary>
    private static async Task<long> CountChangedAsync(BenchData data)
    {
        await using var connection = await Duck.OpenAsync();
        var day = (string d) => $"read_parquet({Duck.Literal(Path.Combine(data.Dir, $"dim_{d}.parquet"))})";
        return await Duck.ScalarAsync<long>(connection, $"SELECT count(*) FROM (SELECT * FROM {day("2024-03-02")} EXCEPT ALL SELECT * FROM {day("2024-03-01")})");
    }

    private static async Task CheckAsync(string warehouse, string task, long dimRows, long changed)
    {
        await using var connection = await Duck.OpenAsync(warehouse);
        if (task == "load_replace")
        {
            var rows = await Duck.ScalarAsync<long>(connection, "SELECT count(*) FROM customers_replace");
            Expect(rows == dimRows, $"replace left {rows} rows, expected {dimRows}");
            return;
        }

        var counts = (await Duck.QueryAsync(connection,
            "SELECT count(*), count(*) FILTER (WHERE is_current), count(*) FILTER (WHERE valid_from = DATE '2024-03-02'), count(*) FILTER (WHERE valid_to = DATE '2024-03-02') FROM dim_customer"))[0]
            .Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)).ToArray();
        // One unknown member (sk -1), the day-1 versions, one new version per changed customer, which closes its old one.
        Expect(counts[0] == dimRows + changed + 1 && counts[1] == dimRows + 1 && counts[2] == changed && counts[3] == changed, $"scd2 left rows/current/opened/closed = {string.Join("/", counts)}, expected {dimRows + changed + 1}/{dimRows + 1}/{changed}/{changed}");
    }

    private static void Expect(bool condition, string message)
    {
        if (!condition)
        {
            throw new BenchException(message);
        }
    }
}
