namespace Sluice.Anomalies;

/// <summary>One recorded value of a metric for one data interval (its start date).</summary>
public readonly record struct MetricPoint(DateOnly Interval, double Value);
