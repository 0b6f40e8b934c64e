using System.Diagnostics.Metrics;
using System.Text.Json.Nodes;
using Sluice.Events;
using Sluice.Observability;

namespace Sluice.Cdc.Postgres.Tests;

/// <summary>
/// Collects what a CDC stream emits, and feeds it to a real <see cref="RunMetrics"/> as the event log's
/// listener would, so a test reads both the events and the gauges they drive.
/// </summary>
internal sealed class CdcEventRecorder : IDisposable
{
    private readonly List<RunEvent> _events = [];

    public RunMetrics Metrics { get; } = new();

    public IReadOnlyList<RunEvent> Events
    {
        get
        {
            lock (_events)
            {
                return [.. _events];
            }
        }
    }

    public CdcEvents Create(TimeSpan? lagEvery = null) => new(Emit, TimeProvider.System) { LagEvery = lagEvery ?? TimeSpan.FromSeconds(10) };

    public IReadOnlyList<RunEvent> OfType(string type) => Events.Where(e => e.Type == type).ToList();

    /// <summary>Every gauge measurement of the Sluice meter right now: instrument name, value and tags.</summary>
    public List<(string Instrument, double Value, Dictionary<string, string> Tags)> ReadGauges()
    {
        var read = new List<(string, double, Dictionary<string, string>)>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (ReferenceEquals(instrument.Meter, Metrics.Meter))
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) =>
            read.Add((instrument.Name, value, tags.ToArray().ToDictionary(t => t.Key, t => t.Value?.ToString() ?? string.Empty))));
        listener.Start();
        listener.RecordObservableInstruments();
        return read;
    }

    private void Emit(string type, JsonObject payload)
    {
        var runEvent = new RunEvent { Timestamp = DateTimeOffset.UtcNow, Type = type, Pipeline = "shop_cdc", TaskId = "mirror", Payload = payload };
        lock (_events)
        {
            _events.Add(runEvent);
        }

        Metrics.OnEvent(runEvent);
    }

    public void Dispose() => Metrics.Dispose();
}
