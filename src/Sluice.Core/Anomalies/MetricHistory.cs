using Sluice.Events;
using Sluice.State;

namespace Sluice.Anomalies;

/// <summary>
/// A pipeline's recorded metrics, read back from the event log's <c>metric_observed</c> events: per metric
/// (<c>dataset.name</c>), one value per interval, the latest recorded (a rerun's value replaces what it
/// corrects). The one reader of metric history: anomaly detection and <c>sluice metrics</c> take only
/// successful runs (a half-loaded day never becomes part of what "usual" means); <c>row_count</c> checks
/// relative to history take every run, since a metric is recorded only for data that passed its checks.
/// </summary>
public static class MetricHistory
{
    private const int Page = 5000;

    /// <summary>Every metric's history from successful runs other than <paramref name="exceptRun"/>, oldest interval first.</summary>
    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<MetricPoint>>> ReadAsync(
        IEventLog log, string pipeline, long? exceptRun, CancellationToken cancellationToken)
    {
        var latest = await LatestAsync(log, pipeline, exceptRun, successfulRunsOnly: true, cancellationToken);
        return latest.ToDictionary(
            m => m.Key,
            m => (IReadOnlyList<MetricPoint>)m.Value.OrderBy(p => p.Key).Select(p => new MetricPoint(p.Key, p.Value)).ToList(),
            StringComparer.Ordinal);
    }

    /// <summary>One metric's value in each of the last <paramref name="intervals"/> intervals before <paramref name="before"/>, newest first, from any run.</summary>
    public static async Task<IReadOnlyList<double>> ReadAsync(IEventLog log, string pipeline, string dataset, string metric, DateOnly before, int intervals, CancellationToken cancellationToken)
    {
        var latest = await LatestAsync(log, pipeline, exceptRun: null, successfulRunsOnly: false, cancellationToken);
        return latest.TryGetValue(new MetricObservation(dataset, metric, before, 0).Key, out var byInterval)
            ? byInterval.Where(p => p.Key < before).OrderByDescending(p => p.Key).Take(intervals).Select(p => p.Value).ToList()
            : [];
    }

    private static async Task<Dictionary<string, Dictionary<DateOnly, double>>> LatestAsync(
        IEventLog log, string pipeline, long? exceptRun, bool successfulRunsOnly, CancellationToken cancellationToken)
    {
        var succeeded = new HashSet<long>();
        var observed = new List<(long Run, MetricObservation Observation)>();
        var after = 0L;
        IReadOnlyList<string> types = successfulRunsOnly ? [EventTypes.MetricObserved, EventTypes.RunFinished] : [EventTypes.MetricObserved];
        while (true)
        {
            var page = await log.ReadAsync(new EventQuery { AfterId = after, Limit = Page, Pipeline = pipeline, Types = types }, cancellationToken);
            foreach (var e in page)
            {
                // The query filters already; checked again so any IEventLog that filters loosely gives the same answer.
                if (e.RunId is not { } run || run == exceptRun || e.Pipeline != pipeline)
                {
                    continue;
                }

                if (e.Type == EventTypes.RunFinished && e.Text("state") == StateNames.Of(RunState.Success))
                {
                    succeeded.Add(run);
                }
                else if (MetricObservation.From(e) is { } observation)
                {
                    observed.Add((run, observation));
                }
            }

            if (page.Count < Page)
            {
                break;
            }

            after = page[^1].Id;
        }

        // Events are in log order, so a later run's value for an interval replaces an earlier one.
        var latest = new Dictionary<string, Dictionary<DateOnly, double>>(StringComparer.Ordinal);
        foreach (var (_, observation) in observed.Where(o => !successfulRunsOnly || succeeded.Contains(o.Run)))
        {
            if (!latest.TryGetValue(observation.Key, out var byInterval))
            {
                latest[observation.Key] = byInterval = [];
            }

            byInterval[observation.Interval] = observation.Value;
        }

        return latest;
    }
}
