using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Anomalies;

/// <summary>
/// Judges a metric's new value against its own history with robust statistics (median and median
/// absolute deviation, which one bad day in the history cannot drag). Pure and allocation-light: the
/// caller reads the history, this only does arithmetic. docs/anomalies.md explains the choices.
/// </summary>
public static class AnomalyDetector
{
    /// <summary>How many same-weekday values the seasonal baseline uses at most (eight weeks).</summary>
    public const int SameWeekdayWeeks = 8;

    /// <summary>Same-weekday values needed for the seasonal baseline; with fewer a median of them is too easily one odd day.</summary>
    public const int SameWeekdayMinimum = 4;

    /// <summary>Days looked back by the fallbacks for daily metrics.</summary>
    public const int RecentDays = 28;

    /// <summary>Intervals looked back for weekly and monthly metrics.</summary>
    public const int RecentIntervals = 12;

    /// <summary>Makes the MAD comparable with a standard deviation for normally distributed values.</summary>
    public const double MadToSigma = 1.4826;

    /// <summary>
    /// The MAD is at least this share of the centre. Day-to-day noise of business metrics is rarely below
    /// it, and a MAD from two or three values per weekday understates the spread: at 2% a normal weekday
    /// at the low end of what had been seen was flagged (the weekend end-to-end test). Half of a usual
    /// value is still far outside (3.5 x 1.4826 x 5% is about 26%).
    /// </summary>
    public const double RelativeMadFloor = 0.05;

    /// <summary>The MAD is at least this, so a metric that is always 0 does not flag a 1.</summary>
    public const double AbsoluteMadFloor = 0.5;

    /// <summary>History needed before any verdict when the pipeline does not say: two weeks of days, else six intervals.</summary>
    public static int DefaultMinHistory(IntervalUnit unit) => unit == IntervalUnit.Day ? 14 : 6;

    public static AnomalyVerdict Evaluate(IReadOnlyList<MetricPoint> history, DateOnly interval, double value, AnomalySettings settings, IntervalUnit unit = IntervalUnit.Day)
    {
        var baseline = Compute(history, interval, unit);
        var minimum = settings.MinHistory ?? DefaultMinHistory(unit);
        var half = settings.Threshold * baseline.Spread;
        var low = baseline.Center - half;
        var high = baseline.Center + half;
        if (baseline.Available < minimum)
        {
            return new AnomalyVerdict(value, baseline.Center, low, high, baseline.Used, baseline.Method, false)
            {
                NotEnoughHistory = $"{baseline.Available} of the {minimum} earlier intervals needed",
            };
        }

        var outside = value < low || value > high;
        var bigEnough = Math.Abs(value - baseline.Center) >= settings.MinRelativeChange * Math.Abs(baseline.Center);
        return new AnomalyVerdict(value, baseline.Center, low, high, baseline.Used, baseline.Method, outside && bigEnough);
    }

    /// <summary>The expected value and spread for <paramref name="interval"/> from the values of earlier intervals.</summary>
    public static Baseline Compute(IReadOnlyList<MetricPoint> history, DateOnly interval, IntervalUnit unit = IntervalUnit.Day)
    {
        // Newest first; a point for the interval itself or a later one (a backfill run out of order) is not history.
        var earlier = history.Where(p => p.Interval < interval).OrderByDescending(p => p.Interval).ToArray();
        if (earlier.Length == 0)
        {
            return new Baseline(0, Sigma(0, 0), 0, 0, BaselineMethods.None);
        }

        if (unit != IntervalUnit.Day)
        {
            return Plain(earlier.Take(RecentIntervals).Select(p => p.Value).ToArray(), earlier.Length);
        }

        var sameWeekday = earlier
            .Where(p => DaysBetween(p.Interval, interval) is var days && days % 7 == 0 && days <= 7 * SameWeekdayWeeks)
            .Take(SameWeekdayWeeks)
            .Select(p => p.Value)
            .ToArray();
        if (sameWeekday.Length >= SameWeekdayMinimum)
        {
            var center = Median(sameWeekday);
            return new Baseline(center, Sigma(Mad(sameWeekday, center), center), sameWeekday.Length, earlier.Length, BaselineMethods.SameWeekday);
        }

        var recent = earlier.Where(p => DaysBetween(p.Interval, interval) <= RecentDays).ToArray();
        if (recent.Length == 0)
        {
            return new Baseline(0, Sigma(0, 0), 0, earlier.Length, BaselineMethods.None);
        }

        return WeekdayScaled(recent, interval.DayOfWeek, earlier.Length) ?? Plain(recent.Select(p => p.Value).ToArray(), earlier.Length);
    }

    /// <summary>
    /// Two or three weeks of days: too few same-weekday values for their own MAD, but enough to place the
    /// weekday. Each weekday's median gives its level (the centre for the target's weekday); the spread comes
    /// from every day's distance to its own weekday's median, rescaled to the target weekday's level, so a
    /// busy Saturday is judged against Saturdays and its noise against all days' noise. A weekday seen once
    /// says nothing about spread and is left out of it; with n values a weekday's median sits closer to them
    /// than the true level does, so each distance is widened by sqrt(n/(n-1)) (as Bessel's correction does).
    /// Null when the target's weekday was seen fewer than twice or the levels are not positive.
    /// </summary>
    private static Baseline? WeekdayScaled(MetricPoint[] recent, DayOfWeek target, int available)
    {
        var byWeekday = recent.GroupBy(p => p.Interval.DayOfWeek).ToDictionary(g => g.Key, g => g.Select(p => p.Value).ToArray());
        if (!byWeekday.TryGetValue(target, out var own) || own.Length < 2)
        {
            return null;
        }

        var targetLevel = Median(own);
        if (targetLevel <= 0)
        {
            return null;
        }

        var residuals = new List<double>(recent.Length);
        foreach (var values in byWeekday.Values.Where(v => v.Length >= 2))
        {
            var level = Median(values);
            if (level <= 0)
            {
                continue;
            }

            var widen = Math.Sqrt(values.Length / (values.Length - 1.0));
            residuals.AddRange(values.Select(v => (v - level) / level * widen));
        }

        // Residuals are relative to their weekday's level; the spread is that share of the target weekday's level.
        var relative = residuals.ToArray();
        var spread = Mad(relative, Median(relative)) * targetLevel;
        return new Baseline(targetLevel, Sigma(spread, targetLevel), recent.Length, available, BaselineMethods.WeekdayScaled);
    }

    private static Baseline Plain(double[] values, int available)
    {
        var center = Median(values);
        return new Baseline(center, Sigma(Mad(values, center), center), values.Length, available, BaselineMethods.Recent);
    }

    private static double Sigma(double mad, double center) =>
        MadToSigma * Math.Max(mad, Math.Max(RelativeMadFloor * Math.Abs(center), AbsoluteMadFloor));

    private static int DaysBetween(DateOnly earlier, DateOnly later) => later.DayNumber - earlier.DayNumber;

    public static double Median(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return 0;
        }

        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>Median absolute deviation from <paramref name="center"/>.</summary>
    public static double Mad(IReadOnlyCollection<double> values, double center) =>
        Median(values.Select(v => Math.Abs(v - center)).ToArray());
}
