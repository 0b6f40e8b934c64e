using System.Globalization;

namespace Sluice.Bench.Checks;

/// <summary><c>--rows N --repeat N --work DIR --results DIR</c>.</summary>
internal sealed record ChecksBenchOptions(long Rows, int Repeat, string Work, string Results)
{
    public static ChecksBenchOptions Parse(string[] args)
    {
        var options = new ChecksBenchOptions(10_000_000, 5, "bench/data", "bench/results");
        for (var i = 0; i + 1 < args.Length; i += 2)
        {
            options = args[i] switch
            {
                "--rows" => options with { Rows = long.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--repeat" => options with { Repeat = int.Parse(args[i + 1], CultureInfo.InvariantCulture) },
                "--work" => options with { Work = args[i + 1] },
                "--results" => options with { Results = args[i + 1] },
                _ => throw new ArgumentException($"unknown option {args[i]}; use --rows, --repeat, --work, --results"),
            };
        }

        return options;
    }
}
