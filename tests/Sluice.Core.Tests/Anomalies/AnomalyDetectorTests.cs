using Sluice.Anomalies;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Core.Tests.Anomalies;

/// <summary>
/// The arithmetic of anomaly detection on a shop whose weekends differ from its weekdays: about 100
/// orders Monday to Friday, 300 on Saturdays and 20 on Sundays, with a few percent of noise.
/// </summary>
public sealed class AnomalyDetectorTests
{
    private static readonly AnomalySettings Defaults = new();

    // 2024-03-02 is a Saturday, 2024-03-03 a Sunday.
    private static readonly DateOnly Saturday = new(2024, 3, 2);
    private static readonly DateOnly Sunday = new(2024, 3, 3);

    private static readonly int[] Noise = [-6, 3, -2, 5, 0, -4, 7, -1, 2, -5, 4, -3, 1, 6, -7, 3, -2];

    /// <summary>Usual orders for a day, with noise of about 5% of its level.</summary>
    private static double Usual(DateOnly day, int index) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => 300 + (3 * Noise[index % Noise.Length]),
        DayOfWeek.Sunday => 20 + (Noise[index % Noise.Length] / 3.0),
        _ => 100 + Noise[index % Noise.Length],
    };

    /// <summary>The <paramref name="days"/> days before <paramref name="day"/>, each at its usual level.</summary>
    private static List<MetricPoint> HistoryBefore(DateOnly day, int days) =>
        Enumerable.Range(1, days).Select(i => day.AddDays(-i)).Select((d, i) => new MetricPoint(d, Usual(d, i))).ToList();

    [Fact]
    public void With_eight_weeks_a_Saturday_at_weekday_level_is_an_anomaly_and_a_busy_Saturday_and_a_quiet_Sunday_are_not()
    {
        var history = HistoryBefore(Saturday, 56);

        var slow = AnomalyDetector.Evaluate(history, Saturday, 100, Defaults);
        var busy = AnomalyDetector.Evaluate(history, Saturday, 310, Defaults);
        var quiet = AnomalyDetector.Evaluate(HistoryBefore(Sunday, 56), Sunday, 19, Defaults);

        Assert.True(slow.IsAnomaly, $"{slow}");
        Assert.Equal(BaselineMethods.SameWeekday, slow.Method);
        Assert.Equal(8, slow.History);
        Assert.InRange(slow.Expected, 290, 310);
        Assert.True(slow.Low > 200 && slow.High < 400, $"{slow}");
        Assert.False(busy.IsAnomaly, $"{busy}");
        Assert.False(quiet.IsAnomaly, $"{quiet}");
        Assert.Equal(BaselineMethods.SameWeekday, quiet.Method);
    }

    [Fact]
    public void Without_seasonality_a_quiet_Sunday_would_look_anomalous_which_is_why_the_weekday_is_used()
    {
        var history = HistoryBefore(Sunday, 56);

        var seasonal = AnomalyDetector.Evaluate(history, Sunday, 0, Defaults);
        var normal = AnomalyDetector.Evaluate(history, Sunday, 21, Defaults);
        // The recent days judged together, without weekdays (as the plain method does): a usual Sunday is far below them.
        var plain = AnomalyDetector.Evaluate(history, Sunday, 21, Defaults, IntervalUnit.Week);

        Assert.True(seasonal.IsAnomaly, $"{seasonal}");
        Assert.False(normal.IsAnomaly, $"{normal}");
        Assert.True(plain.IsAnomaly, $"{plain}");
        Assert.Equal(BaselineMethods.Recent, plain.Method);
    }

    [Fact]
    public void With_two_weeks_the_fallback_scales_all_recent_days_by_weekday()
    {
        var saturdayHistory = HistoryBefore(Saturday, 15);
        var sundayHistory = HistoryBefore(Sunday, 15);

        var slow = AnomalyDetector.Evaluate(saturdayHistory, Saturday, 100, Defaults);
        var busy = AnomalyDetector.Evaluate(saturdayHistory, Saturday, 290, Defaults);
        var quiet = AnomalyDetector.Evaluate(sundayHistory, Sunday, 20, Defaults);
        var empty = AnomalyDetector.Evaluate(sundayHistory, Sunday, 0, Defaults);

        Assert.Equal(BaselineMethods.WeekdayScaled, slow.Method);
        Assert.Equal(15, slow.History);
        Assert.True(slow.IsAnomaly, $"{slow}");
        Assert.False(busy.IsAnomaly, $"{busy}");
        Assert.False(quiet.IsAnomaly, $"{quiet}");
        Assert.True(empty.IsAnomaly, $"{empty}");
        Assert.InRange(quiet.Expected, 17, 23);
    }

    [Fact]
    public void A_weekday_seen_once_in_the_recent_days_falls_back_to_their_plain_median()
    {
        var history = HistoryBefore(Saturday, 14).Where(p => p.Interval != Saturday.AddDays(-7)).ToList();

        var verdict = AnomalyDetector.Evaluate(history, Saturday, 300, Defaults with { MinHistory = 7 });

        Assert.Equal(BaselineMethods.Recent, verdict.Method);
        Assert.InRange(verdict.Expected, 90, 110);
    }

    [Fact]
    public void Before_the_minimum_history_nothing_is_an_anomaly_however_far_off()
    {
        var history = HistoryBefore(Saturday, 10);

        var defaultMinimum = AnomalyDetector.Evaluate(history, Saturday, 0, Defaults);
        var lowered = AnomalyDetector.Evaluate(history, Saturday, 0, Defaults with { MinHistory = 7 });
        var nothing = AnomalyDetector.Evaluate([], Saturday, 1_000_000, Defaults with { MinHistory = 0 });

        Assert.False(defaultMinimum.IsAnomaly);
        Assert.Equal("10 of the 14 earlier intervals needed", defaultMinimum.NotEnoughHistory);
        Assert.True(lowered.IsAnomaly, $"{lowered}");
        Assert.Null(lowered.NotEnoughHistory);
        Assert.Equal(BaselineMethods.None, nothing.Method);
    }

    [Fact]
    public void A_perfectly_constant_history_tolerates_small_changes_but_not_large_ones()
    {
        var day = new DateOnly(2024, 3, 4);
        var thousand = Enumerable.Range(1, 56).Select(i => new MetricPoint(day.AddDays(-i), 1000)).ToList();
        var zeros = Enumerable.Range(1, 56).Select(i => new MetricPoint(day.AddDays(-i), 0)).ToList();

        Assert.False(AnomalyDetector.Evaluate(thousand, day, 1100, Defaults).IsAnomaly);
        Assert.False(AnomalyDetector.Evaluate(thousand, day, 800, Defaults).IsAnomaly);
        Assert.True(AnomalyDetector.Evaluate(thousand, day, 1300, Defaults).IsAnomaly);
        Assert.True(AnomalyDetector.Evaluate(thousand, day, 700, Defaults).IsAnomaly);
        Assert.True(AnomalyDetector.Evaluate(thousand, day, 500, Defaults).IsAnomaly);
        Assert.False(AnomalyDetector.Evaluate(zeros, day, 1, Defaults).IsAnomaly);
        Assert.True(AnomalyDetector.Evaluate(zeros, day, 10, Defaults).IsAnomaly);
    }

    [Fact]
    public void The_threshold_and_the_minimum_relative_change_decide_how_far_is_too_far()
    {
        var history = HistoryBefore(Saturday, 56);
        var baseline = AnomalyDetector.Compute(history, Saturday);
        var fourSigmasUp = baseline.Center + (4 * baseline.Spread);

        Assert.True(AnomalyDetector.Evaluate(history, Saturday, fourSigmasUp, Defaults).IsAnomaly);
        Assert.False(AnomalyDetector.Evaluate(history, Saturday, fourSigmasUp, Defaults with { Threshold = 5 }).IsAnomaly);
        Assert.True(AnomalyDetector.Evaluate(history, Saturday, fourSigmasUp, Defaults with { Threshold = 3 }).IsAnomaly);
        Assert.False(AnomalyDetector.Evaluate(history, Saturday, fourSigmasUp, Defaults with { MinRelativeChange = 0.5 }).IsAnomaly);
        Assert.True(AnomalyDetector.Evaluate(history, Saturday, 100, Defaults with { MinRelativeChange = 0.5 }).IsAnomaly);
    }

    [Fact]
    public void One_bad_day_in_the_history_does_not_move_the_baseline()
    {
        var history = HistoryBefore(Saturday, 56);
        var lastSaturday = history.FindIndex(p => p.Interval == Saturday.AddDays(-7));
        history[lastSaturday] = history[lastSaturday] with { Value = 0 };

        var busy = AnomalyDetector.Evaluate(history, Saturday, 300, Defaults);
        var slow = AnomalyDetector.Evaluate(history, Saturday, 100, Defaults);

        Assert.False(busy.IsAnomaly, $"{busy}");
        Assert.True(slow.IsAnomaly, $"{slow}");
    }

    [Fact]
    public void Values_for_the_same_or_later_intervals_are_not_history()
    {
        var history = HistoryBefore(Saturday, 56);
        var withFuture = history.Concat(Enumerable.Range(0, 30).Select(i => new MetricPoint(Saturday.AddDays(i), 0))).ToList();

        var verdict = AnomalyDetector.Evaluate(withFuture, Saturday, 300, Defaults);

        Assert.False(verdict.IsAnomaly, $"{verdict}");
        Assert.Equal(8, verdict.History);
    }

    [Fact]
    public void Weekly_metrics_use_the_recent_intervals_without_weekday_seasonality()
    {
        var week = new DateOnly(2024, 3, 4);
        var history = Enumerable.Range(1, 20).Select(i => new MetricPoint(week.AddDays(-7 * i), 700 + Noise[i % Noise.Length])).ToList();

        var normal = AnomalyDetector.Evaluate(history, week, 705, Defaults, IntervalUnit.Week);
        var low = AnomalyDetector.Evaluate(history, week, 300, Defaults, IntervalUnit.Week);

        Assert.Equal(BaselineMethods.Recent, normal.Method);
        Assert.Equal(AnomalyDetector.RecentIntervals, normal.History);
        Assert.False(normal.IsAnomaly);
        Assert.True(low.IsAnomaly);
    }
}
