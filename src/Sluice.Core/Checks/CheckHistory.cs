using Sluice.Events;

namespace Sluice.Checks;

/// <summary>One check's recorded verdicts, oldest first, read from the event log's <c>check_result</c> events.</summary>
public sealed record CheckHistory(string Dataset, string Check, IReadOnlyList<RunEvent> Results)
{
    public RunEvent Latest => Results[^1];

    /// <summary>Every check of a pipeline that has a result, optionally only those of one interval.</summary>
    public static async Task<IReadOnlyList<CheckHistory>> ReadAsync(IEventLog log, string pipeline, DateOnly? date, CancellationToken cancellationToken)
    {
        var all = new List<RunEvent>();
        var query = new EventQuery { Pipeline = pipeline, Types = [EventTypes.CheckResult], Limit = 1000 };
        while (true)
        {
            var page = await log.ReadAsync(query, cancellationToken);
            all.AddRange(page.Where(e => date is null || e.LogicalDate == date));
            if (page.Count < query.Limit)
            {
                break;
            }

            query = query with { AfterId = page[^1].Id };
        }

        return all.GroupBy(e => (Dataset: e.Text("dataset") ?? "?", Check: e.Text("check") ?? "?"))
            .Select(g => new CheckHistory(g.Key.Dataset, g.Key.Check, g.ToList()))
            .ToList();
    }

    /// <summary>The last <paramref name="count"/> outcomes as marks, oldest first: ✓ pass, ✗ fail, ! could not run.</summary>
    public string Trend(int count) => string.Concat(Results.TakeLast(count).Select(e => e.Text("outcome") switch
    {
        "pass" => '✓',
        "fail" => '✗',
        _ => '!',
    }));
}
