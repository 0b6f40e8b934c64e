using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Connectors.Http.Tests.Infrastructure;

namespace Sluice.Connectors.Http.Tests;

/// <summary>Each pagination style against a server that paginates that way; every record arrives once, in order.</summary>
public sealed class PaginationTests : IDisposable
{
    private readonly TestProject _project = new();

    private static int Int(HttpRequest request, string name, int fallback) =>
        int.TryParse(request.Query[name], out var value) ? value : fallback;

    [Fact]
    public async Task Page_numbers_until_an_empty_page_from_a_top_level_array()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/items", (HttpRequest r) =>
        {
            var page = Int(r, "page", 1);
            return Results.Json(page <= 3 ? Fixtures.Items(((page - 1) * 10) + 1, 10) : []);
        }));

        var log = new RunLog();
        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: items, pagination: page"), Fixtures.Connection(server), observer: log);

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(Enumerable.Range(1, 30).Select(i => $"{i}|item {i}"), _project.Rows("raw"));
        Assert.Equal(["1", "2", "3", "4"], server.To("/items").Select(r => r["page"]!));
        Assert.Contains(log.Lines, l => l.Contains("fetched 4 page(s) and 30 record(s) in 4 request(s)", StringComparison.Ordinal) && l.Contains("empty page", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Offset_and_limit_stop_at_the_total_the_first_page_reports()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/orders", (HttpRequest r) =>
        {
            var offset = Int(r, "offset", 0);
            var limit = Int(r, "limit", 10);
            return Results.Json(new { meta = new { total = 45 }, data = new { items = Fixtures.Items(offset + 1, Math.Max(0, Math.Min(limit, 45 - offset))) } });
        }));

        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: orders, pagination: offset, page_size: 10, total_path: meta.total, records_path: data.items"),
            Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(Enumerable.Range(1, 45).Select(i => $"{i}"), _project.Rows("raw", "id"));
        Assert.Equal(["0", "10", "20", "30", "40"], server.To("/orders").Select(r => r["offset"]!));
        Assert.All(server.To("/orders"), r => Assert.Equal("10", r["limit"]));
    }

    [Fact]
    public async Task A_cursor_from_the_response_is_sent_back_until_it_is_null()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/events", (HttpRequest r) =>
        {
            var position = r.Query["after"].ToString() is { Length: > 0 } c ? int.Parse(c[1..], System.Globalization.CultureInfo.InvariantCulture) : 0;
            var next = position + 5 < 12 ? $"c{position + 5}" : null;
            return Results.Json(new { results = Fixtures.Items(position + 1, Math.Min(5, 12 - position)), paging = new { next } });
        }));

        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: events, pagination: cursor, cursor_param: after, cursor_path: paging.next, records_path: results"),
            Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"{i}"), _project.Rows("raw", "id"));
        Assert.Equal([null, "c5", "c10"], server.To("/events").Select(r => r["after"]));
    }

    [Fact]
    public async Task A_next_link_in_the_body_is_followed_whether_relative_or_absolute()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed", (HttpRequest r) =>
        {
            var page = Int(r, "p", 1);
            var next = page switch { 1 => "/feed?p=2", 2 => $"http://{r.Host}/feed?p=3", _ => null };
            return Results.Json(new { items = Fixtures.Items(((page - 1) * 4) + 1, 4), links = new { next } });
        }));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: feed, pagination: next_link, next_path: links.next, records_path: items"), Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(Enumerable.Range(1, 12).Select(i => $"{i}"), _project.Rows("raw", "id"));
        Assert.Equal(3, server.To("/feed").Count);
    }

    [Fact]
    public async Task The_rfc5988_link_header_next_relation_is_followed()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/repos", (HttpContext c) =>
        {
            var page = Int(c.Request, "page", 1);
            var last = $"<{c.Request.Scheme}://{c.Request.Host}/repos?page=3>; rel=\"last\"";
            c.Response.Headers.Append("Link", page < 3 ? $"<{c.Request.Scheme}://{c.Request.Host}/repos?page={page + 1}>; rel=\"next\", {last}" : $"<{c.Request.Scheme}://{c.Request.Host}/repos?page=1>; rel=\"first\", {last}");
            return Results.Json(Fixtures.Items(((page - 1) * 3) + 1, 3));
        }));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: repos, pagination: link_header"), Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(Enumerable.Range(1, 9).Select(i => $"{i}"), _project.Rows("raw", "id"));
    }

    [Fact]
    public async Task Max_pages_stops_early_and_says_so()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/items", (HttpRequest r) => Results.Json(Fixtures.Items(Int(r, "page", 1) * 10, 10))));

        var log = new RunLog();
        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: items, pagination: page, max_pages: 2"), Fixtures.Connection(server), observer: log);

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(20, _project.Rows("raw").Count);
        Assert.Contains(log.Lines, l => l.Contains("max_pages (2) reached", StringComparison.Ordinal));
    }

    public void Dispose() => _project.Dispose();
}
