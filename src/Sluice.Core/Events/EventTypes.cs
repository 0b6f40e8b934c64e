namespace Sluice.Events;

/// <summary>The kinds of event in the log, as stored. Payload fields are listed beside each.</summary>
public static class EventTypes
{
    /// <summary>trigger, interval_start, interval_end, host, process.</summary>
    public const string RunStarted = "run_started";

    /// <summary>state (success, failed, cancelled, abandoned), error, tasks, rows_written.</summary>
    public const string RunFinished = "run_finished";

    /// <summary>from, to, attempt, worker, error (whole, masked).</summary>
    public const string TaskStateChanged = "task_state_changed";

    /// <summary>waiting_for, next_poke_at, waited_seconds, timeout_seconds, mode: a sensor looked and its condition is not met yet.</summary>
    public const string SensorWaiting = "sensor_waiting";

    /// <summary>
    /// Either dataset, rows_written, task_kind (source, transform, sink) and, for a sink, input (the dataset it loaded);
    /// or rows_read, rows_quarantined, task_kind and quarantine_dataset.
    /// </summary>
    public const string Rows = "rows";

    /// <summary>level (info, warning, error), text (masked).</summary>
    public const string Log = "log";

    /// <summary>dataset, added, removed, retyped, renamed, always_null, summary, policy (on_new_fields), severity (error when the task failed, else warning).</summary>
    public const string ContractDrift = "contract_drift";

    /// <summary>
    /// slot, publication, retained_bytes (WAL the source keeps for the slot), lag_bytes (WAL not yet confirmed),
    /// lag_seconds (age of the oldest source commit received but not yet in the target; 0 when caught up),
    /// applied_lsn, final (true for the figure taken when a CDC drain or `sluice cdc run` ends): docs/cdc.md.
    /// </summary>
    public const string CdcLag = "cdc_lag";

    /// <summary>dataset, check, severity (warn, error), outcome (pass, fail, error), observed, message.</summary>
    public const string CheckResult = "check_result";

    /// <summary>dataset, rows (a source or sink saw no rows for its interval), policy.</summary>
    public const string EmptyInterval = "empty_interval";

    /// <summary>pipeline, dataset, name (rows, or a declared metric), value (a number), interval_start (yyyy-MM-dd).</summary>
    public const string MetricObserved = "metric_observed";

    /// <summary>
    /// metric, dataset, value, expected, low, high, history (count of intervals used), method (same_weekday,
    /// weekday_scaled, recent), threshold, interval_start, severity (docs/anomalies.md).
    /// </summary>
    public const string Anomaly = "anomaly";

    /// <summary>kind (deadline, max_duration), deadline, late_by.</summary>
    public const string SlaMissed = "sla_missed";

    /// <summary>
    /// incident, channel, attempt, status (delivered), state (triggered), summary, and the incident's snapshot
    /// from which the alert router rebuilds itself: kind, subject, severity, intervals, failing, runs, through...
    /// (docs/alerting.md).
    /// </summary>
    public const string AlertSent = "alert_sent";

    /// <summary>As <see cref="AlertSent"/>, with status failed, state triggered or resolved, and error (masked).</summary>
    public const string AlertFailed = "alert_failed";

    /// <summary>As <see cref="AlertSent"/>, with state resolved: the recovery message was delivered.</summary>
    public const string AlertRecovered = "alert_recovered";

    /// <summary>message: a scheduler or worker problem a person should see (a pipeline file stopped loading...).</summary>
    public const string SystemError = "system_error";
}
