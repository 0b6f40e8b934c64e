using System.Globalization;

namespace Sluice.Bench.Crash;

/// <summary>Command-line settings, parsed by hand.</summary>
internal sealed class CrashOptions
{
    public const string Usage =
        "usage: sluice-bench-crash [--rows-per-day 200000] [--trials 6] [--pairs 3] [--seed N]\n" +
        "                          [--kill-at delay|lake-write] [--work bench/data/crash] [--results bench/results]\n" +
        "Run it in the foreground (a background job of a shell without job control ignores SIGINT).";

    public int RowsPerDay { get; private set; } = 200_000;
    public int Trials { get; private set; } = 6;
    public int Pairs { get; private set; } = 3;
    /// <summary>"delay": a seeded random delay; "lake-write": the moment the Parquet sink's hidden staging folder holds a file.</summary>
    public string KillAt { get; private set; } = "delay";
    public int Seed { get; private set; } = Environment.TickCount & 0xFFFF;
    public string WorkDir { get; private set; } = string.Empty;
    public string ResultsDir { get; private set; } = string.Empty;
    public required string RepoRoot { get; init; }

    public string SalesPipeline => Path.Combine(RepoRoot, "examples", "sales", "sales_etl.yaml");

    public static CrashOptions Parse(IReadOnlyList<string> args)
    {
        var root = FindRepoRoot();
        var options = new CrashOptions
        {
            RepoRoot = root,
            WorkDir = Path.Combine(root, "bench", "data", "crash"),
            ResultsDir = Path.Combine(root, "bench", "results"),
        };
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
                case "--rows-per-day": options.RowsPerDay = Int(name, value, 100, 9_999_999); break;
                case "--trials": options.Trials = Int(name, value, 0, 1000); break;
                case "--pairs": options.Pairs = Int(name, value, 0, 1000); break;
                case "--seed": options.Seed = Int(name, value, 0, int.MaxValue); break;
                case "--kill-at": options.KillAt = value is "delay" or "lake-write" ? value : throw new BenchException($"--kill-at must be delay or lake-write, got '{value}'"); break;
                case "--work": options.WorkDir = Path.GetFullPath(value); break;
                case "--results": options.ResultsDir = Path.GetFullPath(value); break;
                default: throw new BenchException($"unknown option '{name}'\n{Usage}");
            }
        }

        if (options.WorkDir.Contains('\'', StringComparison.Ordinal))
        {
            throw new BenchException("the work folder's path must not contain a quote; the fingerprint SQL names files in it.");
        }

        return options;
    }

    private static int Int(string name, string value, int min, int max) =>
        int.TryParse(value.Replace("_", string.Empty, StringComparison.Ordinal), NumberStyles.Integer, CultureInfo.InvariantCulture, out var n) && n >= min && n <= max
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
