using System.Globalization;

namespace Sluice.Bench.Transforms;

/// <summary>Command-line settings, parsed by hand.</summary>
internal sealed class TBenchOptions
{
    public const long DefaultRows = 10_000_000;

    public const string Usage =
        "usage: sluice-bench-transforms [--rows 10000000] [--repeat 3] [--dim-rows 1000000]\n" +
        "                               [--parts steps,pandas,scd2,chain] [--steps drop_duplicates,join,...]\n" +
        "                               [--work bench/data/transforms] [--results bench/results]\n" +
        "A run with a non-default --rows writes its report into the work folder unless --results is given.";

    public long Rows { get; private set; } = DefaultRows;
    public int Repeat { get; private set; } = 3;
    public long DimRows { get; private set; } = 1_000_000;
    public IReadOnlySet<string> Parts { get; private set; } = new HashSet<string> { "steps", "pandas", "scd2", "chain" };
    public IReadOnlySet<string>? Steps { get; private set; }
    private string? _results;

    public required string RepoRoot { get; init; }
    public string WorkDir { get; private set; } = string.Empty;
    public string ResultsDir => _results ?? (Rows == DefaultRows ? Path.Combine(RepoRoot, "bench", "results") : WorkDir);

    /// <summary>The bench's own folder in the repository: pipelines, baseline SQL, the pandas script.</summary>
    public string BenchDir => Path.Combine(RepoRoot, "bench", "Sluice.Bench.Transforms");

    public static TBenchOptions Parse(IReadOnlyList<string> args)
    {
        var root = FindRepoRoot();
        var options = new TBenchOptions { RepoRoot = root };
        options.WorkDir = Path.Combine(root, "bench", "data", "transforms");
        for (var i = 0; i < args.Count; i += 2)
        {
            if (args[i] is "-h" or "--help")
            {
                throw new BenchException(Usage);
            }

            if (i + 1 >= args.Count)
            {
                throw new BenchException($"missing value for '{args[i]}'\n{Usage}");
            }

            var (name, value) = (args[i], args[i + 1]);
            switch (name)
            {
                case "--rows": options.Rows = Long(name, value, min: 1000); break;
                case "--repeat": options.Repeat = (int)Long(name, value, max: 99); break;
                case "--dim-rows": options.DimRows = Long(name, value, min: 1000); break;
                case "--parts": options.Parts = Set(value, "steps", "pandas", "scd2", "chain"); break;
                case "--steps": options.Steps = Set(value); break;
                case "--work": options.WorkDir = Path.GetFullPath(value); break;
                case "--results": options._results = Path.GetFullPath(value); break;
                default: throw new BenchException($"unknown option '{name}'\n{Usage}");
            }
        }

        if (options.WorkDir.Contains('\'', StringComparison.Ordinal))
        {
            throw new BenchException("the work folder's path must not contain a quote; the generated SQL names files in it.");
        }

        return options;
    }

    private static HashSet<string> Set(string value, params string[] allowed)
    {
        var items = value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).ToHashSet();
        var unknown = allowed.Length == 0 ? null : items.FirstOrDefault(i => !allowed.Contains(i));
        return unknown is null ? items : throw new BenchException($"unknown part '{unknown}'; valid: {string.Join(", ", allowed)}");
    }

    private static long Long(string name, string value, long min = 1, long max = long.MaxValue) =>
        long.TryParse(value.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
            ? n
            : throw new BenchException($"{name} must be a whole number from {min} to {max}, got '{value}'");

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
