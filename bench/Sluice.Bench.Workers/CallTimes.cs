using System.Collections.Concurrent;

namespace Sluice.Bench.Workers;

/// <summary>Queue call times of one or more workers (each wraps its queue in a <see cref="TimedQueue"/>), summed for the report.</summary>
internal sealed class CallTimes
{
    private readonly ConcurrentDictionary<string, (long Calls, double Ms)> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentBag<double> _gaps = [];

    /// <summary>Median time from a finish call returning to the same worker's next claim call (its own hand-over path), ms.</summary>
    public double GapMedianMs => _gaps.IsEmpty ? 0 : Stats.Median(_gaps);

    public string Summary => string.Join(", ", _calls.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key} {c.Value.Calls}× {c.Value.Ms / Math.Max(1, c.Value.Calls):0.00} ms"));

    /// <summary>Mean milliseconds of one kind of call ("claim", "finish", ...), 0 when none was made.</summary>
    public double MeanMs(string name) => _calls.TryGetValue(name, out var c) ? c.Ms / Math.Max(1, c.Calls) : 0;

    public void Add(string name, double ms) => _calls.AddOrUpdate(name, (1, ms), (_, c) => (c.Calls + 1, c.Ms + ms));

    public void AddGap(double ms) => _gaps.Add(ms);
}
