using Sluice.Alerts.Delivery;
using Sluice.Events;

namespace Sluice.Alerts;

/// <summary>One delivery of one alert message to one channel, as `sluice alerts` lists them.</summary>
public sealed record AlertDelivery(
    long EventId,
    DateTimeOffset At,
    string Pipeline,
    string Incident,
    string Channel,
    string State,
    string Status,
    int Attempts,
    string Summary,
    string? Error);

/// <summary>Reads what the alert router recorded: which alerts went where, and which failed.</summary>
public static class AlertHistory
{
    private const int PageSize = 1000;

    /// <summary>The latest <paramref name="limit"/> deliveries, oldest first, optionally of one pipeline.</summary>
    public static async Task<IReadOnlyList<AlertDelivery>> ReadAsync(IEventLog log, string? pipeline, int limit, CancellationToken cancellationToken)
    {
        // Keeps only the newest ones while paging, so a long history costs one page of memory.
        var latest = new Queue<AlertDelivery>();
        long after = 0;
        while (true)
        {
            var page = await log.ReadAsync(new EventQuery { AfterId = after, Limit = PageSize, Pipeline = pipeline, Types = AlertEvents.Types }, cancellationToken);
            foreach (var e in page)
            {
                latest.Enqueue(new AlertDelivery(
                    e.Id,
                    e.Timestamp,
                    e.Pipeline ?? string.Empty,
                    e.Text("incident") ?? string.Empty,
                    e.Text("channel") ?? string.Empty,
                    e.Text("state") ?? string.Empty,
                    e.Text("status") ?? (e.Type == EventTypes.AlertFailed ? "failed" : "delivered"),
                    (int)(e.Number("attempt") ?? 0),
                    e.Text("summary") ?? string.Empty,
                    e.Text("error")));
                if (latest.Count > limit)
                {
                    latest.Dequeue();
                }
            }

            if (page.Count < PageSize)
            {
                return latest.ToList();
            }

            after = page[^1].Id;
        }
    }
}
