using System.Diagnostics;
using System.Globalization;

namespace Sluice.Bench.Transforms;

/// <summary>Medians, this process's CPU time, and machine facts for the report.</summary>
internal static class Stats
{
    public static double Median(this IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        return sorted.Length == 0 ? double.NaN
            : sorted.Length % 2 == 1 ? sorted[sorted.Length / 2]
            : (sorted[(sorted.Length / 2) - 1] + sorted[sorted.Length / 2]) / 2;
    }

    /// <summary>User + system CPU seconds of this process so far (all threads, DuckDB's included).</summary>
    public static double ProcessCpuSeconds()
    {
        using var process = Process.GetCurrentProcess();
        return process.TotalProcessorTime.TotalSeconds;
    }

    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static string MemTotal()
    {
        var line = File.Exists("/proc/meminfo") ? File.ReadLines("/proc/meminfo").FirstOrDefault(l => l.StartsWith("MemTotal:", StringComparison.Ordinal)) : null;
        var kb = line is null ? 0 : long.Parse(line[9..].Trim().TrimEnd('B', 'k').Trim(), CultureInfo.InvariantCulture);
        return Invariant($"{kb / 1048576.0:0.0} GB");
    }

    public static string Mb(long bytes) => Invariant($"{bytes / 1048576.0:0} MB");

    public static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);

    public static string Seconds(IEnumerable<double> values) => string.Join(", ", values.Select(v => Invariant($"{v:0.00}")));
}
