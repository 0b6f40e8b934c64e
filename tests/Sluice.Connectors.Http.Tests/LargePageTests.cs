using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Connectors.Http.Tests.Infrastructure;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Http.Tests;

/// <summary>A page far larger than any buffer is read as it arrives, not held whole.</summary>
public sealed class LargePageTests : IDisposable
{
    private readonly string _temp = Path.Combine(Path.GetTempPath(), "sluice-http-stream", Guid.NewGuid().ToString("N"));
    private readonly TestProject _project = new();
    private readonly ConnectorCatalog _catalog;

    public LargePageTests()
    {
        Directory.CreateDirectory(_temp);
        // Only the http and html sources, spilling into this test's own folder, so BytesStaged sees what reaches disk.
        var engine = DuckDbSettings.Default with { TempDirectory = _temp };
        _catalog = new ConnectorCatalog().Add(new HttpSource(engine)).Add(new Html.HtmlSource(engine)).Add(HttpConnection.Type);
    }

    private long BytesStaged() => Directory.EnumerateFiles(_temp).Sum(f => new FileInfo(f).Length);

    [Fact]
    public async Task Records_of_one_page_reach_disk_while_the_server_is_still_sending_it()
    {
        const int FirstPart = 60_000;
        const int Total = FirstPart + 1_000;
        var stagedBeforeTheEnd = false;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/big", async (HttpContext c) =>
        {
            c.Response.ContentType = "application/json";
            var body = c.Response.Body;
            await body.WriteAsync(Encoding.UTF8.GetBytes("{\"meta\": {\"note\": \"one page\"}, \"items\": ["));
            var chunk = new StringBuilder();
            for (var id = 1; id <= Total; id++)
            {
                chunk.Append(id == 1 ? string.Empty : ",").Append("{\"id\":").Append(id).Append(",\"customer\":{\"name\":\"customer ").Append(id).Append("\"},\"note\":\"").Append('x', 80).Append("\"}");
                if (chunk.Length > 32_000 || id == Total)
                {
                    await body.WriteAsync(Encoding.UTF8.GetBytes(chunk.ToString()));
                    await body.FlushAsync();
                    chunk.Clear();
                }

                if (id == FirstPart)
                {
                    // ~8 MB sent: a client that streams has staged most of it; one that buffers the page has staged nothing.
                    var deadline = DateTime.UtcNow.AddSeconds(20);
                    while (!(stagedBeforeTheEnd = BytesStaged() > 4_000_000) && DateTime.UtcNow < deadline)
                    {
                        await Task.Delay(50);
                    }
                }
            }

            await body.WriteAsync(Encoding.UTF8.GetBytes("], \"links\": {\"next\": null}}"));
        }));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: big, records_path: items, pagination: next_link, next_path: links.next"), Fixtures.Connection(server, "timeout: 60s"), catalog: _catalog);

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.True(stagedBeforeTheEnd, "no record was staged before the server finished the page: the page was buffered whole");
        Assert.Equal([$"{Total}|1|{Total}|customer {Total}"], _project.Rows("raw", $"count(*), min(id), max(id), max(customer_name) FILTER (WHERE id = {Total})"));
        Assert.Empty(Directory.EnumerateFiles(_temp));
    }

    [Fact]
    public async Task A_page_cut_off_mid_record_fails_as_not_json_and_stages_nothing()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/cut", () =>
            Results.Content("{\"items\": [{\"id\": 1}, {\"id\": 2, \"name\": \"trunc", "application/json")));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: cut, records_path: items"), Fixtures.Connection(server), catalog: _catalog);

        Assert.False(result.Succeeded);
        Assert.Contains($"{server.Url}/cut answered HTTP 200 OK with a body that is not JSON (application/json). Body: {{\"items\": [{{\"id\": 1}}", result.Tasks.Single().Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_project.Staged("p", "2024-03-01", "raw")));
        Assert.Empty(Directory.EnumerateFiles(_temp));
    }

    [Fact]
    public async Task A_connection_broken_mid_page_is_retried_and_its_partial_records_are_not_kept()
    {
        var attempts = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/flaky", async (HttpContext c) =>
        {
            c.Response.ContentType = "application/json";
            var records = string.Join(',', Enumerable.Range(1, 20_000).Select(i => $"{{\"id\":{i},\"pad\":\"{new string('p', 60)}\"}}"));
            var body = Encoding.UTF8.GetBytes($"{{\"items\": [{records}]}}");
            if (Interlocked.Increment(ref attempts) == 1)
            {
                // Over 1 MB of whole records, then the connection drops: the first attempt has spilled to disk.
                await c.Response.Body.WriteAsync(body.AsMemory(0, body.Length * 3 / 4));
                await c.Response.Body.FlushAsync();
                c.Abort();
                return;
            }

            await c.Response.Body.WriteAsync(body);
        }));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: flaky, records_path: items"), Fixtures.Connection(server), catalog: _catalog);

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(2, server.To("/flaky").Count);
        Assert.Equal(["20000|20000|1|20000"], _project.Rows("raw", "count(*), count(DISTINCT id), min(id), max(id)"));
        Assert.Empty(Directory.EnumerateFiles(_temp));
    }

    [Fact]
    public async Task An_empty_body_fails_as_not_json()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/empty", () => Results.Content(string.Empty, "application/json")));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: empty, records_path: items"), Fixtures.Connection(server), catalog: _catalog);

        Assert.Contains($"{server.Url}/empty answered HTTP 200 OK with a body that is not JSON (application/json). Body: (empty body).", result.Tasks.Single().Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Records_under_an_indexed_path_with_the_cursor_after_them_are_read_in_order()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/events", (HttpRequest r) =>
        {
            var after = r.Query["after"].ToString();
            var first = after.Length == 0 ? 1 : 4;
            var cursor = after.Length == 0 ? "\"c3\"" : "null";
            var items = string.Join(',', Enumerable.Range(first, 3).Select(i => $"{{\"id\": {i}, \"tags\": [\"a\", {{\"deep\": [{i}]}}]}}"));
            return Results.Content($"{{\"pages\": [{{\"items\": [{items}]}}, {{\"items\": [{{\"id\": 99}}]}}], \"paging\": {{\"next\": {cursor}}}}}", "application/json");
        }));

        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: events, records_path: pages.0.items, pagination: cursor, cursor_param: after, cursor_path: paging.next, columns: { id: INTEGER, tags: JSON }"),
            Fixtures.Connection(server),
            catalog: _catalog);

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(["1", "2", "3", "4", "5", "6"], _project.Rows("raw", "id"));
        Assert.Equal("[\"a\",{\"deep\":[6]}]", _project.Rows("raw", "tags")[5]);
    }

    public void Dispose()
    {
        _project.Dispose();
        Directory.Delete(_temp, recursive: true);
    }
}
