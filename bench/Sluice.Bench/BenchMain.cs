using System.Globalization;

namespace Sluice.Bench;

/// <summary>All runs of both sides at one input size.</summary>
internal sealed record SizeResult(BenchData Data, IReadOnlyList<RunSample> Sluice, IReadOnlyList<RunSample> Baseline);

/// <summary>
/// The parent process: for the small and the full size, generate (or reuse) the CSV, warm the page
/// cache, then alternate the sides (S B, B S, S B, ...) so drift on a shared machine hits both
/// alike; check that both sides wrote the same outputs; report medians.
/// </summary>
internal static class BenchMain
{
    public static async Task<int> RunAsync(BenchOptions options)
    {
        if (!File.Exists(options.PipelineFile))
        {
            throw new BenchException($"bench pipeline {options.PipelineFile} is missing");
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"sluice-bench: sizes {options.SmallRows:N0} and {options.Rows:N0} rows, {options.Repeat} repetition(s) per side, DuckDB memory_limit {options.MemoryLimit}, work {options.WorkDir}"));
        var sizes = new List<SizeResult>();
        foreach (var rows in new[] { options.SmallRows, options.Rows }.Distinct())
        {
            var data = await BenchData.EnsureAsync(options.WorkDir, rows, options.Days);
            await data.WarmPageCacheAsync();
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"size {rows:N0} rows ({BenchData.Mb(data.CsvBytes)} CSV):"));
            var sluice = new List<RunSample>();
            var baseline = new List<RunSample>();
            for (var repetition = 1; repetition <= options.Repeat; repetition++)
            {
                if (repetition % 2 == 1)
                {
                    sluice.Add(await Sides.RunSluiceAsync(options, data, repetition));
                    baseline.Add(await Sides.RunBaselineAsync(options, data, repetition));
                }
                else
                {
                    baseline.Add(await Sides.RunBaselineAsync(options, data, repetition));
                    sluice.Add(await Sides.RunSluiceAsync(options, data, repetition));
                }

                OutputCheck.EnsureSame($"{rows:N0} rows, repetition {repetition}", sluice[^1].Outputs, baseline[^1].Outputs);
            }

            Console.WriteLine($"  outputs match on every repetition: {sluice[0].Outputs}");
            sizes.Add(new SizeResult(data, sluice, baseline));
        }

        var report = Report.Markdown(options, sizes);
        Console.WriteLine();
        Console.WriteLine(report);
        Directory.CreateDirectory(options.ResultsDir);
        // A non-default memory limit is a different experiment; it gets its own file instead of replacing the day's result.
        var suffix = options.MemoryLimit == "2GB" ? string.Empty : "-mem" + string.Concat(options.MemoryLimit.Where(char.IsLetterOrDigit));
        var file = Path.Combine(options.ResultsDir, $"issue2-{DateTime.Now:yyyy-MM-dd}{suffix}.md");
        await File.WriteAllTextAsync(file, report);
        Console.WriteLine($"written to {file}");
        return 0;
    }
}
