using System.Diagnostics.Metrics;

namespace Sluice.Hosting.Tests;

/// <summary>Every measurement of one <see cref="Meter"/> instance (not others of the same name in this process), with its tags.</summary>
internal sealed class MeasurementRecorder : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, IReadOnlyDictionary<string, string?> Tags)> _seen = [];

    public MeasurementRecorder(Meter meter)
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (ReferenceEquals(instrument.Meter, meter))
            {
                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Add(instrument, value, tags));
        _listener.Start();
    }

    /// <summary>Asks observable instruments (the freshness gauge) for their current values.</summary>
    public void Observe() => _listener.RecordObservableInstruments();

    /// <summary>The measurements of an instrument whose tags include all of <paramref name="tags"/> ("name=value").</summary>
    public IReadOnlyList<double> Of(string instrument, params string[] tags)
    {
        lock (_seen)
        {
            return _seen
                .Where(m => m.Instrument == instrument && tags.All(t => m.Tags.TryGetValue(t.Split('=')[0], out var v) && v == t.Split('=', 2)[1]))
                .Select(m => m.Value)
                .ToList();
        }
    }

    public void Clear()
    {
        lock (_seen)
        {
            _seen.Clear();
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Add(Instrument instrument, double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var map = new Dictionary<string, string?>(StringComparer.Ordinal);
        foreach (var (key, tag) in tags)
        {
            map[key] = tag?.ToString();
        }

        lock (_seen)
        {
            _seen.Add((instrument.Name, value, map));
        }
    }
}
