using System.Globalization;

namespace Sluice.Bench.Cdc;

/// <summary>What one rate (or the backlog drain) measured.</summary>
internal sealed record Measurement(
    string Variant,
    string Load,
    int OfferedRate,
    double WrittenPerSecond,
    double AppliedPerSecond,
    double LagP50,
    double LagP99,
    double LagMax,
    long Changes,
    long NotApplied,
    double CpuPerThousand,
    string LoadAverage)
{
    /// <summary>
    /// Lag figures from the transactions committed in the measured window: each transaction's applied
    /// time minus its commit time. The applied rate is the window's changes over the time the target
    /// took to apply them (first to last applied), so it falls below the written rate when the mirror lags.
    /// </summary>
    public static Measurement From(string variant, string load, int rate, IReadOnlyList<LoadWriter.Committed> window, LagObserver observer, TimeSpan duration, double cpuSeconds, string loadAverage)
    {
        var sorted = window.OrderBy(c => c.At).ToList();
        var applied = observer.AppliedTimes(sorted.Select(c => c.At).ToList());
        var lags = new List<double>();
        long notApplied = 0;
        for (var i = 0; i < sorted.Count; i++)
        {
            if (applied[i] is { } at)
            {
                lags.Add(Math.Max(0, (at - sorted[i].At).TotalSeconds));
            }
            else
            {
                notApplied += sorted[i].Changes;
            }
        }

        lags.Sort();
        var changes = sorted.Sum(c => (long)c.Changes);
        var appliedTimes = applied.OfType<DateTime>().ToList();
        var applySpan = appliedTimes.Count > 1 ? (appliedTimes[^1] - sorted[0].At).TotalSeconds : double.NaN;
        return new Measurement(
            variant,
            load,
            rate,
            changes / duration.TotalSeconds,
            (changes - notApplied) / applySpan,
            Percentile(lags, 0.50),
            Percentile(lags, 0.99),
            lags.Count > 0 ? lags[^1] : double.NaN,
            changes,
            notApplied,
            cpuSeconds / (changes / 1000.0),
            loadAverage);
    }

    public static double Percentile(List<double> sorted, double p) =>
        sorted.Count == 0 ? double.NaN : sorted[Math.Min(sorted.Count - 1, (int)Math.Ceiling(p * sorted.Count) - 1)];

    public static string LoadAverageNow() => string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3));

    public string Line() => string.Create(
        CultureInfo.InvariantCulture,
        $"{Variant,-14} {Load,-9} offered {OfferedRate,6}/s  written {WrittenPerSecond,8:N0}/s  applied {AppliedPerSecond,8:N0}/s  lag p50 {LagP50 * 1000,7:N0} ms  p99 {LagP99 * 1000,7:N0} ms  max {LagMax * 1000,7:N0} ms  not applied {NotApplied}  cpu {CpuPerThousand * 1000:N0} ms/1k changes  load {LoadAverage}");
}
