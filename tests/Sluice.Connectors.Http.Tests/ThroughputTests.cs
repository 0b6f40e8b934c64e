using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Connectors.Http.Tests.Infrastructure;

namespace Sluice.Connectors.Http.Tests;

/// <summary>Page concurrency and the request-rate limit, measured where they matter: at the server.</summary>
public sealed class ThroughputTests : IDisposable
{
    private readonly TestProject _project = new();

    private static async Task<IResult> SlowPageAsync(HttpRequest r, int pages, bool withTotal, CancellationToken cancellationToken)
    {
        // A slow page keeps requests in flight long enough for the server to see them overlap.
        await Task.Delay(150, cancellationToken);
        var page = int.Parse(r.Query["page"].ToString(), CultureInfo.InvariantCulture);
        var items = page <= pages ? Fixtures.Items(((page - 1) * 10) + 1, 10) : [];
        return withTotal ? Results.Json(new { total = pages * 10, items }) : Results.Json(new { items });
    }

    [Fact]
    public async Task Pages_are_fetched_concurrently_up_to_the_bound_and_arrive_in_order()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/items", (HttpRequest r, CancellationToken t) => SlowPageAsync(r, 12, withTotal: true, t)));

        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: items, records_path: items, pagination: page, page_size: 10, total_path: total, concurrency: 3"),
            Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(Enumerable.Range(1, 120).Select(i => $"{i}"), _project.Rows("raw", "id"));
        // The total says 12 pages: no page beyond it is requested.
        Assert.Equal(12, server.To("/items").Count);
        // Never more than the bound; at least two at once, or there was no concurrency at all.
        Assert.InRange(server.MaxInFlight, 2, 3);
    }

    [Fact]
    public async Task Without_a_total_the_window_runs_ahead_to_the_empty_page_and_drops_what_lies_past_it()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/items", (HttpRequest r, CancellationToken t) => SlowPageAsync(r, 7, withTotal: false, t)));

        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: items, records_path: items, pagination: page, concurrency: 4"),
            Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(Enumerable.Range(1, 70).Select(i => $"{i}"), _project.Rows("raw", "id"));
        // Pages 1-8 are needed (8 is the empty one); at most concurrency-1 more were in flight past it.
        Assert.InRange(server.To("/items").Count, 8, 11);
        Assert.InRange(server.MaxInFlight, 2, 4);
    }

    [Fact]
    public async Task The_request_rate_stays_under_the_connection_limit_even_with_concurrent_pages()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/items", (HttpRequest r) =>
        {
            var page = int.Parse(r.Query["page"].ToString(), CultureInfo.InvariantCulture);
            return Results.Json(new { total = 160, items = Fixtures.Items(((page - 1) * 10) + 1, 10) });
        }));

        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: items, records_path: items, pagination: page, page_size: 10, total_path: total, concurrency: 4"),
            Fixtures.Connection(server, "max_requests_per_second: 10"));

        Assert.True(result.Succeeded, result.Run.Error);
        var times = server.To("/items").Select(r => r.AtMs).Order().ToList();
        Assert.Equal(16, times.Count);
        // 16 requests at 10 per second take at least 1.5 s; allow 10% for timer granularity.
        Assert.InRange(times[^1] - times[0], 1350, 10000);
        // No one-second window holds more than the limit (plus one for a window's two edges).
        var busiest = times.Select(start => times.Count(t => t >= start && t < start + 1000)).Max();
        Assert.InRange(busiest, 1, 11);
    }

    public void Dispose() => _project.Dispose();
}
