using System.Globalization;
using Sluice.Events;

namespace Sluice.Checks;

/// <summary>
/// Reads a dataset's earlier <c>metric_observed</c> values from the event log, one per interval (the
/// latest recorded), for checks relative to history such as <c>row_count: { min_ratio_of_median }</c>.
/// Metrics are recorded only when a dataset passed its checks and was published.
/// </summary>
public static class MetricHistory
{
    /// <summary>The metric's value in each of the last <paramref name="intervals"/> intervals before <paramref name="before"/>, newest first.</summary>
    public static async Task<IReadOnlyList<double>> ReadAsync(IEventLog log, string pipeline, string dataset, string metric, DateOnly before, int intervals, CancellationToken cancellationToken)
    {
        var byInterval = new Dictionary<DateOnly, double>();
        var query = new EventQuery { Pipeline = pipeline, Types = [EventTypes.MetricObserved], Limit = 1000 };
        while (true)
        {
            var page = await log.ReadAsync(query, cancellationToken);
            foreach (var e in page.Where(e => e.Text("dataset") == dataset && e.Text("name") == metric))
            {
                if (DateOnly.TryParseExact(e.Text("interval_start"), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
                    && start < before
                    && double.TryParse(e.Text("value"), NumberStyles.Float, CultureInfo.InvariantCulture, out var value))
                {
                    byInterval[start] = value; // later events overwrite: a rerun's value wins
                }
            }

            if (page.Count < query.Limit)
            {
                break;
            }

            query = query with { AfterId = page[^1].Id };
        }

        return byInterval.OrderByDescending(p => p.Key).Take(intervals).Select(p => p.Value).ToList();
    }
}
