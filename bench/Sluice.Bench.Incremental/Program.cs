using System.Globalization;
using Sluice.Bench.Incremental;

// sluice-bench-incremental [--kills 20] [--small 1000000] [--large 3000000] [--new 1000] [--repeat 3] [--only crash|scale]
var options = BenchOptions.Parse(args);
var server = BenchDatabase.FromEnvironment();
if (options.Only is null or "crash")
{
    await CrashBench.RunAsync(server, options);
}

if (options.Only is null or "scale")
{
    await ScaleBench.RunAsync(server, options);
}

return 0;

namespace Sluice.Bench.Incremental
{
    internal sealed record BenchOptions(int Kills, long Small, long Large, int NewRows, int Repeat, string? Only)
    {
        public static BenchOptions Parse(string[] args)
        {
            string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
            long Number(string name, long fallback) => Value(name) is { } v ? long.Parse(v, CultureInfo.InvariantCulture) : fallback;
            return new((int)Number("--kills", 20), Number("--small", 1_000_000), Number("--large", 3_000_000), (int)Number("--new", 1000), (int)Number("--repeat", 3), Value("--only"));
        }
    }
}
