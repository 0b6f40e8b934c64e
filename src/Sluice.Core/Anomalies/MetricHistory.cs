using Sluice.Events;
using Sluice.State;

namespace Sluice.Anomalies;

/// <summary>
/// A pipeline's recorded metrics, read back from the event log: per metric (<c>dataset.name</c>), one value
/// per interval, taken from the latest successful run of that interval. Failed, cancelled and abandoned runs
/// are left out, so a half-loaded day never becomes part of what "usual" means.
/// </summary>
public static class MetricHistory
{
    private const int Page = 5000;

    public static async Task<IReadOnlyDictionary<string, IReadOnlyList<MetricPoint>>> ReadAsync(
        IEventLog log, string pipeline, long? exceptRun, CancellationToken cancellationToken)
    {
        var succeeded = new HashSet<long>();
        var observed = new List<(long Run, MetricObservation Observation)>();
        var after = 0L;
        while (true)
        {
            var page = await log.ReadAsync(
                new EventQuery { AfterId = after, Limit = Page, Pipeline = pipeline, Types = [EventTypes.MetricObserved, EventTypes.RunFinished] },
                cancellationToken);
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
        foreach (var (run, observation) in observed.Where(o => succeeded.Contains(o.Run)))
        {
            if (!latest.TryGetValue(observation.Key, out var byInterval))
            {
                latest[observation.Key] = byInterval = [];
            }

            byInterval[observation.Interval] = observation.Value;
        }

        return latest.ToDictionary(
            m => m.Key,
            m => (IReadOnlyList<MetricPoint>)m.Value.OrderBy(p => p.Key).Select(p => new MetricPoint(p.Key, p.Value)).ToList(),
            StringComparer.Ordinal);
    }
}
