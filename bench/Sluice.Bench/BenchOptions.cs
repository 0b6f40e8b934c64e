using System.Globalization;

namespace Sluice.Bench;

/// <summary>Command-line settings of the benchmark, parsed by hand.</summary>
internal sealed class BenchOptions
{
    public const string Usage =
        "usage: sluice-bench [--rows 10000000] [--small-rows 2000000] [--repeat 3] [--work bench/data]\n" +
        "                    [--days 10] [--memory-limit 2GB] [--max-parallel N] [--results bench/results]";

    public long Rows { get; private set; } = 10_000_000;
    public long SmallRows { get; private set; } = 2_000_000;
    public int Repeat { get; private set; } = 3;
    public int Days { get; private set; } = 10;
    public string MemoryLimit { get; private set; } = Environment.GetEnvironmentVariable("SLUICE_DUCKDB_MEMORY_LIMIT") ?? "2GB";
    public int? MaxParallel { get; private set; }
    public required string RepoRoot { get; init; }
    public string WorkDir { get; private set; } = string.Empty;
    public string ResultsDir { get; private set; } = string.Empty;

    public string PipelineFile => Path.Combine(RepoRoot, "bench", "pipelines", "orders_bench.yaml");

    public static BenchOptions Parse(IReadOnlyList<string> args)
    {
        var root = FindRepoRoot();
        var options = new BenchOptions { RepoRoot = root };
        options.WorkDir = Path.Combine(root, "bench", "data");
        options.ResultsDir = Path.Combine(root, "bench", "results");
        for (var i = 0; i < args.Count; i++)
        {
            if (args[i] is "-h" or "--help")
            {
                throw new BenchException(Usage);
            }

            if (i + 1 >= args.Count)
            {
                throw new BenchException($"missing value for '{args[i]}'\n{Usage}");
            }

            var value = args[++i];
            switch (args[i - 1])
            {
                case "--rows": options.Rows = Long(args[i - 1], value); break;
                case "--small-rows": options.SmallRows = Long(args[i - 1], value); break;
                case "--repeat": options.Repeat = (int)Long(args[i - 1], value, max: 99); break;
                case "--days": options.Days = (int)Long(args[i - 1], value, max: 31); break;
                case "--memory-limit": options.MemoryLimit = value; break;
                case "--max-parallel": options.MaxParallel = (int)Long(args[i - 1], value, max: 64); break;
                case "--work": options.WorkDir = Path.GetFullPath(value); break;
                case "--results": options.ResultsDir = Path.GetFullPath(value); break;
                default: throw new BenchException($"unknown option '{args[i - 1]}'\n{Usage}");
            }
        }

        foreach (var rows in new[] { options.SmallRows, options.Rows })
        {
            if (rows % options.Days != 0 || rows / options.Days > 9_999_999)
            {
                throw new BenchException($"{rows} rows must split evenly into --days {options.Days} days of at most 9,999,999 rows (the generator's limit).");
            }
        }

        return options;
    }

    private static long Long(string name, string value, long max = long.MaxValue) =>
        long.TryParse(value.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= 1 && n <= max
            ? n
            : throw new BenchException($"{name} must be a whole number from 1 to {max}, got '{value}'");

    /// <summary>The folder holding Sluice.slnx: from the current directory up, else from the binary up.</summary>
    private static string FindRepoRoot()
    {
        foreach (var start in new[] { Directory.GetCurrentDirectory(), AppContext.BaseDirectory })
        {
            for (var dir = new DirectoryInfo(start); dir is not null; dir = dir.Parent)
            {
                if (File.Exists(Path.Combine(dir.FullName, "Sluice.slnx")))
                {
                    return dir.FullName;
                }
            }
        }

        throw new BenchException("cannot find the repository root (the folder with Sluice.slnx); run from inside the repository.");
    }
}
