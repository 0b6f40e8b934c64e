namespace Sluice.Anomalies;

/// <summary>The ways <see cref="AnomalyDetector"/> computes an expected range, as written in anomaly events.</summary>
public static class BaselineMethods
{
    /// <summary>Median and MAD of the same weekday over recent weeks (daily intervals with enough weeks of history).</summary>
    public const string SameWeekday = "same_weekday";

    /// <summary>All recent days, each weekday scaled by its own median (daily intervals with two or three weeks of history).</summary>
    public const string WeekdayScaled = "weekday_scaled";

    /// <summary>Median and MAD of all recent intervals, without seasonality.</summary>
    public const string Recent = "recent";

    /// <summary>No history at all.</summary>
    public const string None = "none";
}
