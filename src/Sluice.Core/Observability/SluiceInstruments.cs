namespace Sluice.Observability;

/// <summary>The name of Sluice's <see cref="System.Diagnostics.Metrics.Meter"/> and of its instruments, for exporters and dashboards.</summary>
public static class SluiceInstruments
{
    /// <summary>Add this to an OpenTelemetry meter provider (<c>AddMeter(SluiceInstruments.MeterName)</c>) to export Sluice's metrics.</summary>
    public const string MeterName = "Sluice";

    /// <summary>Counter: finished runs; tags pipeline, state (success, failed, cancelled).</summary>
    public const string Runs = "sluice.runs";

    /// <summary>Counter: task attempts' outcomes; tags pipeline, task, state (success, failed, up_for_retry, upstream_failed, skipped).</summary>
    public const string Tasks = "sluice.tasks";

    /// <summary>Histogram, seconds: from a run's start to its end; tags pipeline, state.</summary>
    public const string RunDuration = "sluice.run.duration";

    /// <summary>Histogram, seconds: one attempt of a task; tags pipeline, task, state.</summary>
    public const string TaskDuration = "sluice.task.duration";

    /// <summary>Counter: rows; tags pipeline, dataset, kind (extracted, transformed, loaded, quarantined).</summary>
    public const string Rows = "sluice.rows";

    /// <summary>Counter: data check results; tags pipeline, check, outcome (pass, fail, error), severity (warn, error).</summary>
    public const string Checks = "sluice.checks";

    /// <summary>Gauge, seconds: now minus the end of the latest data interval that succeeded; tag pipeline.</summary>
    public const string FreshnessLag = "sluice.freshness.lag";

    /// <summary>Gauge, bytes: WAL the source keeps for a CDC task's replication slot; tags pipeline, task, slot.</summary>
    public const string CdcRetainedWal = "sluice.cdc.retained_wal";

    /// <summary>Gauge, bytes: WAL a CDC task's slot has not confirmed yet (not yet committed to the target); tags pipeline, task, slot.</summary>
    public const string CdcLagBytes = "sluice.cdc.lag.bytes";

    /// <summary>Gauge, seconds: age of the oldest source commit a CDC task has received but not yet committed to the target; tags pipeline, task, slot.</summary>
    public const string CdcLagSeconds = "sluice.cdc.lag.seconds";

    /// <summary>
    /// Histogram bucket bounds for the durations, in seconds: from a quick task to a six-hour run
    /// (exporters' defaults suit milliseconds).
    /// </summary>
    public static IReadOnlyList<double> DurationBuckets { get; } = [0.1, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600, 1800, 3600, 7200, 21600];

    /// <summary>Counter: alert deliveries; tags pipeline, channel, status (sent, failed), state (triggered, resolved).</summary>
    public const string Alerts = "sluice.alerts";
}
