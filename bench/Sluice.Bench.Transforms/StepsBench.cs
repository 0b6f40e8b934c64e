using System.Diagnostics;

namespace Sluice.Bench.Transforms;

/// <summary>One timed run of the hand-written SQL: connection, settings and the COPY statement.</summary>
internal sealed record BaselineRun(double WallSeconds, double CpuSeconds);

/// <summary>All repetitions of one step task and its baseline.</summary>
internal sealed record StepResult(string Name, string Steps, IReadOnlyList<SluiceRun> Sluice, IReadOnlyList<BaselineRun> Baseline, Fingerprint Output, IReadOnlyList<string> Log);

/// <summary>
/// Part 1: every task of steps_bench.yaml through the real runner, against its section of
/// steps_baseline.sql in DuckDB, alternating which side goes first, checking after every pair that
/// both wrote the same file (columns, rows, order).
/// </summary>
internal static class StepsBench
{
    private static readonly DateOnly Date = new(2024, 3, 1);
    private const string Whitespace = "(' ' || chr(9) || chr(10) || chr(11) || chr(12) || chr(13))";

    public static async Task<IReadOnlyList<StepResult>> RunAsync(TBenchOptions options, BenchData data)
    {
        Environment.SetEnvironmentVariable("TBENCH_DATA", data.Dir);
        var work = Path.Combine(data.Dir, "steps");
        await using var sluice = await InProcessSluice.OpenAsync(Path.Combine(work, "state"));
        var pipeline = sluice.Load(Path.Combine(options.BenchDir, "steps_bench.yaml"));
        var baselines = Duck.Sections(Path.Combine(options.BenchDir, "steps_baseline.sql"))
            .Where(b => options.Steps is null || options.Steps.Contains(b.Name)).ToList();
        var missing = baselines.FirstOrDefault(b => pipeline.FindTask(b.Name) is null);
        if (missing.Name is not null || baselines.Count == 0)
        {
            throw new BenchException(missing.Name is null ? "no step selected" : $"steps_baseline.sql has '{missing.Name}', which is no task of steps_bench.yaml");
        }

        // Stage the inputs once, as a real run's extract tasks do; every later run resumes and reuses them.
        await sluice.RunAsync(pipeline, Date, resume: false, timedTask: null, "extract_orders", "extract_customers");
        var orders = sluice.DatasetPath(pipeline, Date, "orders");
        var customers = sluice.DatasetPath(pipeline, Date, "customers");
        BenchData.WarmPageCache(orders, customers);
        string Fill(string sql) => sql.Replace("{orders}", Duck.Literal(orders), StringComparison.Ordinal)
            .Replace("{customers}", Duck.Literal(customers), StringComparison.Ordinal)
            .Replace("{ws}", Whitespace, StringComparison.Ordinal);

        var results = new List<StepResult>();
        foreach (var (name, sql) in baselines)
        {
            var task = pipeline.FindTask(name)!;
            var sluiceOut = sluice.DatasetPath(pipeline, Date, task.Outputs[0]);
            var baselineOut = Path.Combine(work, $"baseline_{name}.parquet");
            var copy = $"COPY ({Fill(sql)}\n) TO {Duck.Literal(baselineOut)} (FORMAT parquet, COMPRESSION snappy)";
            var sluiceRuns = new List<SluiceRun>();
            var baselineRuns = new List<BaselineRun>();
            Fingerprint? output = null;
            for (var repetition = 1; repetition <= options.Repeat; repetition++)
            {
                foreach (var side in repetition % 2 == 1 ? new[] { "sluice", "duckdb" } : ["duckdb", "sluice"])
                {
                    if (side == "sluice")
                    {
                        File.Delete(sluiceOut); // so the resumed run runs this task again instead of reusing it
                        sluiceRuns.Add(await sluice.RunAsync(pipeline, Date, resume: true, timedTask: name, "extract_orders", "extract_customers", name));
                    }
                    else
                    {
                        File.Delete(baselineOut);
                        baselineRuns.Add(await RunBaselineAsync(copy));
                    }
                }

                output = await CheckSameAsync(name, sluiceOut, baselineOut);
                Console.WriteLine(Stats.Invariant(
                    $"  {name,-20} #{repetition}: sluice {sluiceRuns[^1].WallSeconds,6:0.00} s (task {sluiceRuns[^1].TaskSeconds:0.00}, CPU {sluiceRuns[^1].CpuSeconds:0.0}), duckdb {baselineRuns[^1].WallSeconds,6:0.00} s (CPU {baselineRuns[^1].CpuSeconds:0.0}); ratio {sluiceRuns[^1].WallSeconds / baselineRuns[^1].WallSeconds:0.00}; {output.Rows:N0} rows, same output"));
            }

            results.Add(new StepResult(name, StepsText(task), sluiceRuns, baselineRuns, output!, sluiceRuns[0].Log));
        }

        return results;
    }

    private static async Task<BaselineRun> RunBaselineAsync(string copy)
    {
        var cpu = Stats.ProcessCpuSeconds();
        var watch = Stopwatch.StartNew();
        await using (var connection = await Duck.OpenAsync())
        {
            await Duck.ExecuteAsync(connection, copy);
        }

        return new BaselineRun(watch.Elapsed.TotalSeconds, Stats.ProcessCpuSeconds() - cpu);
    }

    private static async Task<Fingerprint> CheckSameAsync(string name, string sluiceOut, string baselineOut)
    {
        await using var connection = await Duck.OpenAsync();
        var sluice = await Fingerprint.OfAsync(connection, sluiceOut);
        var baseline = await Fingerprint.OfAsync(connection, baselineOut);
        return sluice == baseline ? sluice : throw new BenchException($"step {name}: the outputs differ!\n  sluice:   {sluice}\n  baseline: {baseline}");
    }

    /// <summary>The task's steps as written in the YAML, for the report.</summary>
    private static string StepsText(Model.TaskDefinition task) =>
        task.Options.Find("steps") is Model.ListOption list
            ? string.Join("; ", list.Items.OfType<Model.MapOption>().Select(m => m.Entries.Count > 0 ? m.Entries[0].Key : "?"))
            : "?";
}
