using System.Collections.Concurrent;
using System.Diagnostics.Metrics;
using System.Globalization;
using Sluice.Events;

namespace Sluice.Observability;

/// <summary>
/// Sluice's metrics (<see cref="SluiceInstruments"/>), kept from the events of this process as they are
/// appended, so they are live without polling the log. Instruments cost nothing until an exporter or a
/// <see cref="MeterListener"/> listens. Register it as an <see cref="IRunEventListener"/> of the event log.
/// </summary>
public sealed class RunMetrics : IRunEventListener, IDisposable
{
    private static readonly InstrumentAdvice<double> DurationBuckets = new() { HistogramBucketBoundaries = SluiceInstruments.DurationBuckets };

    private readonly TimeProvider _time;
    private readonly bool _ownsMeter;
    private readonly Counter<long> _runs;
    private readonly Counter<long> _tasks;
    private readonly Histogram<double> _runDuration;
    private readonly Histogram<double> _taskDuration;
    private readonly Counter<long> _rows;
    private readonly Counter<long> _checks;
    private readonly Counter<long> _alerts;
    private readonly ConcurrentDictionary<long, RunStart> _runsInProgress = new();
    private readonly ConcurrentDictionary<(long Run, string Task), DateTimeOffset> _attemptsInProgress = new();
    private readonly ConcurrentDictionary<string, DateTimeOffset> _freshThrough = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<(string Pipeline, string Task, string Slot), RunEvent> _slots = new();

    /// <param name="time">The clock the freshness lag is measured on.</param>
    /// <param name="meters">The host's meter factory, when it has one (a generic host does); else the meter is this object's own.</param>
    public RunMetrics(TimeProvider? time = null, IMeterFactory? meters = null)
    {
        _time = time ?? TimeProvider.System;
        _ownsMeter = meters is null;
        Meter = meters?.Create(SluiceInstruments.MeterName) ?? new Meter(SluiceInstruments.MeterName);
        _runs = Meter.CreateCounter<long>(SluiceInstruments.Runs, "{run}", "Finished runs by pipeline and final state.");
        _tasks = Meter.CreateCounter<long>(SluiceInstruments.Tasks, "{task}", "Task attempt outcomes by pipeline, task and state.");
        _runDuration = Meter.CreateHistogram(SluiceInstruments.RunDuration, "s", "Wall time of a run, from start to end.", tags: null, DurationBuckets);
        _taskDuration = Meter.CreateHistogram(SluiceInstruments.TaskDuration, "s", "Wall time of one task attempt.", tags: null, DurationBuckets);
        _rows = Meter.CreateCounter<long>(SluiceInstruments.Rows, "{row}", "Rows extracted, transformed, loaded and quarantined.");
        _checks = Meter.CreateCounter<long>(SluiceInstruments.Checks, "{check}", "Data check results by outcome and severity.");
        _alerts = Meter.CreateCounter<long>(SluiceInstruments.Alerts, "{alert}", "Alert deliveries, sent or failed.");
        Meter.CreateObservableGauge(SluiceInstruments.FreshnessLag, ObserveLag, "s", "Seconds since the end of the latest data interval that succeeded, per pipeline.");
        Meter.CreateObservableGauge(SluiceInstruments.CdcRetainedWal, () => ObserveSlots("retained_bytes"), "By", "WAL the source keeps for a CDC task's replication slot.");
        Meter.CreateObservableGauge(SluiceInstruments.CdcLagBytes, () => ObserveSlots("lag_bytes"), "By", "WAL a CDC task's slot has not yet confirmed.");
        Meter.CreateObservableGauge(SluiceInstruments.CdcLagSeconds, () => ObserveSlots("lag_seconds"), "s", "Age of the oldest source commit a CDC task has received but not yet applied.");
    }

    /// <summary>The meter the instruments belong to; tests listen to this one instance.</summary>
    public Meter Meter { get; }

    /// <summary>
    /// Tells the freshness gauge that <paramref name="pipeline"/> has data through <paramref name="intervalEnd"/>,
    /// for a host that starts after the run that produced it (the scheduler reads it from the run history).
    /// </summary>
    public void Seed(string pipeline, DateTimeOffset intervalEnd) =>
        _freshThrough.AddOrUpdate(pipeline, intervalEnd, (_, known) => known > intervalEnd ? known : intervalEnd);

    public void OnEvent(RunEvent runEvent)
    {
        var pipeline = runEvent.Pipeline ?? string.Empty;
        switch (runEvent.Type)
        {
            case EventTypes.RunStarted when runEvent.RunId is { } runId:
                _runsInProgress[runId] = new RunStart(runEvent.Timestamp, Time(runEvent.Text("interval_end")));
                break;
            case EventTypes.RunFinished:
                RunFinished(runEvent, pipeline);
                break;
            case EventTypes.TaskStateChanged when runEvent.RunId is { } runId && runEvent.TaskId is { } task:
                TaskChanged(runEvent, pipeline, runId, task);
                break;
            case EventTypes.Rows:
                Rows(runEvent, pipeline);
                break;
            case EventTypes.CdcLag when runEvent.Text("slot") is { } slot:
                // The latest figure per slot: a gauge shows where the slot is now, not a history.
                _slots[(pipeline, runEvent.TaskId ?? string.Empty, slot)] = runEvent;
                break;
            case EventTypes.CheckResult:
                _checks.Add(1, Tag("pipeline", pipeline), Tag("check", runEvent.Text("check")), Tag("outcome", runEvent.Text("outcome")), Tag("severity", runEvent.Text("severity")));
                break;
            case EventTypes.AlertSent or EventTypes.AlertRecovered or EventTypes.AlertFailed:
                _alerts.Add(
                    1,
                    Tag("pipeline", pipeline),
                    Tag("channel", runEvent.Text("channel")),
                    Tag("status", runEvent.Type == EventTypes.AlertFailed ? "failed" : "sent"),
                    Tag("state", runEvent.Text("state")));
                break;
        }
    }

    public void Dispose()
    {
        if (_ownsMeter)
        {
            Meter.Dispose();
        }
    }

    private void RunFinished(RunEvent runEvent, string pipeline)
    {
        var state = runEvent.Text("state") ?? "unknown";
        _runs.Add(1, Tag("pipeline", pipeline), Tag("state", state));
        if (runEvent.RunId is not { } runId || !_runsInProgress.TryRemove(runId, out var start))
        {
            return;
        }

        _runDuration.Record((runEvent.Timestamp - start.At).TotalSeconds, Tag("pipeline", pipeline), Tag("state", state));
        if (state == "success" && start.IntervalEnd is { } end)
        {
            Seed(pipeline, end);
        }

        foreach (var key in _attemptsInProgress.Keys.Where(k => k.Run == runId))
        {
            _attemptsInProgress.TryRemove(key, out _);
        }
    }

    private void TaskChanged(RunEvent runEvent, string pipeline, long runId, string task)
    {
        var to = runEvent.Text("to");
        if (to is null or "pending")
        {
            return;
        }

        if (to == "running")
        {
            _attemptsInProgress[(runId, task)] = runEvent.Timestamp;
            return;
        }

        _tasks.Add(1, Tag("pipeline", pipeline), Tag("task", task), Tag("state", to));
        if (_attemptsInProgress.TryRemove((runId, task), out var started))
        {
            _taskDuration.Record((runEvent.Timestamp - started).TotalSeconds, Tag("pipeline", pipeline), Tag("task", task), Tag("state", to));
        }
    }

    /// <summary>
    /// Rows written by a source are extracted, by a sink loaded (labelled with the dataset it loaded, not
    /// its target, which may be a dated path), by a transform transformed; quarantined rows by their dataset.
    /// </summary>
    private void Rows(RunEvent runEvent, string pipeline)
    {
        var taskKind = runEvent.Text("task_kind");
        if (runEvent.Number("rows_written") is { } written && taskKind is not null)
        {
            var (kind, dataset) = taskKind switch
            {
                "source" => ("extracted", runEvent.Text("dataset")),
                "sink" => ("loaded", runEvent.Text("input") ?? runEvent.Text("dataset")),
                _ => ("transformed", runEvent.Text("dataset")),
            };
            _rows.Add(written, Tag("pipeline", pipeline), Tag("dataset", dataset), Tag("kind", kind));
        }

        if (runEvent.Number("rows_quarantined") is { } quarantined && quarantined > 0)
        {
            _rows.Add(quarantined, Tag("pipeline", pipeline), Tag("dataset", runEvent.Text("quarantine_dataset")), Tag("kind", "quarantined"));
        }
    }

    private IEnumerable<Measurement<double>> ObserveLag()
    {
        var now = _time.GetUtcNow();
        foreach (var (pipeline, end) in _freshThrough)
        {
            yield return new Measurement<double>(Math.Max(0, (now - end).TotalSeconds), Tag("pipeline", pipeline));
        }
    }

    private IEnumerable<Measurement<double>> ObserveSlots(string field)
    {
        foreach (var ((pipeline, task, slot), runEvent) in _slots)
        {
            // Read as JSON text: a value written as a long does not convert to double through TryGetValue.
            if (runEvent.Payload.TryGetPropertyValue(field, out var node) && node is System.Text.Json.Nodes.JsonValue value
                && double.TryParse(value.ToJsonString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
            {
                yield return new Measurement<double>(number, Tag("pipeline", pipeline), Tag("task", task), Tag("slot", slot));
            }
        }
    }

    private static KeyValuePair<string, object?> Tag(string name, string? value) => new(name, value ?? string.Empty);

    private static DateTimeOffset? Time(string? text) =>
        DateTimeOffset.TryParse(text, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var time) ? time : null;

    private sealed record RunStart(DateTimeOffset At, DateTimeOffset? IntervalEnd);
}
