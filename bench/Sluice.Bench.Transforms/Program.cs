using System.Diagnostics;
using Sluice.Bench.Transforms;

// sluice-bench-transforms (issue #4): the transform steps against hand-written DuckDB SQL, a pandas
// script against the same Sluice pipeline, and an SCD2 load against a replace. See bench/README.md.
if (args is ["--chain-sql", var csv, var output, "--bench-dir", var benchDir])
{
    // The DuckDB side of the chain part, in its own process so its time and peak memory are its own.
    return await ChainBench.RunSqlChildAsync(benchDir, csv, output);
}

try
{
    var options = TBenchOptions.Parse(args);
    var started = DateTime.Now;
    var watch = Stopwatch.StartNew();
    var loadBefore = Stats.LoadAverage();
    Console.WriteLine($"sluice-bench-transforms: {options.Rows:N0} rows, {options.Repeat} repetition(s), parts {string.Join(",", options.Parts)}; load average {loadBefore}");
    var data = await BenchData.EnsureAsync(options);
    string version;
    await using (var connection = await Duck.OpenAsync())
    {
        version = await Duck.ScalarAsync<string>(connection, "SELECT library_version FROM pragma_version()");
    }

    // A part that fails is reported as failed; the parts that worked still go into the report.
    var failures = new List<string>();
    async Task<T?> PartAsync<T>(string part, Func<Task<T>> run)
        where T : class
    {
        try
        {
            return options.Parts.Contains(part) ? await run() : null;
        }
        catch (BenchException e)
        {
            Console.Error.WriteLine($"sluice-bench-transforms: part {part} failed: {e.Message}");
            failures.Add($"{part}: {e.Message}");
            return null;
        }
    }

    var steps = await PartAsync("steps", () => StepsBench.RunAsync(options, data)) ?? [];
    var pandas = await PartAsync("pandas", () => PandasBench.RunAsync(options, data));
    var scd2 = await PartAsync("scd2", () => Scd2Bench.RunAsync(options, data));
    var chain = await PartAsync("chain", () => ChainBench.RunAsync(options, data));
    var run = new BenchRun(options, data, version, loadBefore, Stats.LoadAverage(), started, watch.Elapsed) { Steps = steps, Pandas = pandas, Scd2 = scd2, Chain = chain, Failures = failures };
    var report = Report.Markdown(run);
    Console.WriteLine();
    Console.WriteLine(report);
    Directory.CreateDirectory(options.ResultsDir);
    // A smaller (smoke) run gets its own file instead of replacing the day's full result.
    var suffix = options.Rows == TBenchOptions.DefaultRows ? string.Empty : $"-{options.Rows}rows";
    var file = Path.Combine(options.ResultsDir, $"issue{(options.Parts.SetEquals(["chain"]) ? "10" : "4")}-{started:yyyy-MM-dd}{suffix}.md");
    await File.WriteAllTextAsync(file, report);
    Console.WriteLine($"written to {file}");
    return failures.Count == 0 ? 0 : 1;
}
catch (BenchException e)
{
    Console.Error.WriteLine($"sluice-bench-transforms: {e.Message}");
    return 1;
}
