using System.Globalization;

namespace Sluice.Bench.Postgres;

/// <summary>Command line: three optional sizes, then flags.</summary>
internal sealed record BenchOptions(long Rows, long UpsertRows, long SmallRows, IReadOnlySet<string> Only, string? Before, int Repeat)
{
    public static BenchOptions Parse(string[] args)
    {
        var sizes = new List<long>();
        var only = new HashSet<string>(StringComparer.Ordinal);
        string? before = null;
        var repeat = 3;
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--only":
                    only.UnionWith(args[++i].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries));
                    break;
                case "--before":
                    before = Path.GetFullPath(args[++i]);
                    if (!File.Exists(Path.Combine(before, "sluice.dll")))
                    {
                        throw new ArgumentException($"--before {before}: no sluice.dll there (give the output folder of an older build)");
                    }

                    break;
                case "--repeat":
                    repeat = int.Parse(args[++i], CultureInfo.InvariantCulture);
                    break;
                default:
                    sizes.Add(long.Parse(args[i], CultureInfo.InvariantCulture));
                    break;
            }
        }

        var unknown = only.Except(["load", "extract", "upsert", "memory"]).ToList();
        if (unknown.Count > 0)
        {
            throw new ArgumentException($"--only: unknown scenario(s) {string.Join(", ", unknown)}; use load, extract, upsert, memory");
        }

        return new BenchOptions(
            sizes.Count > 0 ? sizes[0] : 5_000_000,
            sizes.Count > 1 ? sizes[1] : 1_000_000,
            sizes.Count > 2 ? sizes[2] : 1_000_000,
            only,
            before,
            repeat);
    }

    public bool Runs(string scenario) => Only.Count == 0 || Only.Contains(scenario);
}
