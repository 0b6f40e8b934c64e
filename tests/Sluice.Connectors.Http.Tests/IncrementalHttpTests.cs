using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Cli;
using Sluice.Connectors.Http.Tests.Infrastructure;
using Sluice.Incremental;

namespace Sluice.Connectors.Http.Tests;

/// <summary>
/// An incremental HTTP source against a local API that filters by <c>updated_since</c> and pages: the
/// second run asks only from the watermark (minus lookback) on, every page carries the bound, and an
/// upsert by key leaves each record once with its latest version, ties and late records included.
/// </summary>
public sealed class IncrementalHttpTests : IDisposable
{
    /// <summary>The HTTP example of docs/incremental.md, with pages of 2 so that paging is exercised.</summary>
    private static readonly string Pipeline = DocsExample().Replace("page_size: 100", "page_size: 2", StringComparison.Ordinal);

    private readonly TestProject _project = new();

    /// <summary>The API's table: id -> (version, updated_at), changed by the test between runs.</summary>
    private readonly ConcurrentDictionary<int, (string Name, DateTimeOffset UpdatedAt)> _orders = new();

    private void Put(int id, string name, string updatedAt) =>
        _orders[id] = (name, DateTimeOffset.Parse(updatedAt, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal));

    /// <summary>Records with updated_at at or after the bound, in that order, <c>page_size</c> per page.</summary>
    private IResult Orders(HttpRequest request)
    {
        var since = request.Query["updated_since"].ToString() is { Length: > 0 } s ? DateTimeOffset.Parse(s, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : DateTimeOffset.MinValue;
        var page = int.Parse(request.Query["page"].ToString() is { Length: > 0 } p ? p : "1", CultureInfo.InvariantCulture);
        var size = int.Parse(request.Query["page_size"].ToString(), CultureInfo.InvariantCulture);
        var rows = _orders.Where(o => o.Value.UpdatedAt >= since).OrderBy(o => o.Value.UpdatedAt).ThenBy(o => o.Key)
            .Skip((page - 1) * size).Take(size)
            .Select(o => new { id = o.Key, name = o.Value.Name, updated_at = o.Value.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture) });
        return Results.Json(rows.ToArray());
    }

    private string Connections(LoopbackServer server) => $$"""
        connections:
          api: { type: http, base_url: "{{server.Url}}/", retry_delay: 10ms }
          dst: { type: sqlite, path: "{{Path.Combine(_project.Root, "target.db")}}" }
        """;

    private List<string> Target() => Testing.SqliteRows.Read(Path.Combine(_project.Root, "target.db"), "SELECT id, name FROM orders ORDER BY id");

    private async Task<CursorValue?> WatermarkAsync()
    {
        await using var store = await SluiceHost.OpenStoreAsync(_project.StateDirectory, CancellationToken.None);
        return (await ((ICursorStore)store).GetCursorAsync("p", "pull", CancellationToken.None))?.Value;
    }

    [Fact]
    public async Task The_second_run_asks_from_the_watermark_minus_lookback_and_loses_and_duplicates_nothing()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/orders", Orders));
        Put(1, "a", "2024-03-01T10:00:00Z");
        Put(2, "b", "2024-03-01T11:00:00Z");
        Put(3, "c", "2024-03-01T12:00:00Z");
        Put(9, "old", "2024-02-28T23:00:00Z"); // before 'initial'

        var first = await _project.RunYamlAsync(Pipeline, Connections(server), "2024-03-01");

        Assert.True(first.Succeeded, first.Run.Error);
        Assert.All(server.To("/orders"), r => Assert.Equal("2024-03-01T00:00:00", r["updated_since"]));
        Assert.Equal(["1|a", "2|b", "3|c"], Target());
        var watermark = await WatermarkAsync();
        Assert.Equal(DateTimeOffset.Parse("2024-03-01T12:00:00Z", CultureInfo.InvariantCulture), Instant(watermark!));

        // Between runs: a record stamped with the watermark's own instant (a tie), one committed late but
        // inside the lookback hour, and an update.
        Put(4, "tie", "2024-03-01T12:00:00Z");
        Put(5, "late", "2024-03-01T11:30:00Z");
        Put(2, "b2", "2024-03-01T13:00:00Z");
        server.Requests.Clear();

        var second = await _project.RunYamlAsync(Pipeline, date: "2024-03-02");

        Assert.True(second.Succeeded, second.Run.Error);
        Assert.True(server.To("/orders").Count >= 3, "5 records at 2 a page take 3 requests");
        Assert.All(server.To("/orders"), r => Assert.Equal("2024-03-01T11:00:00", r["updated_since"])); // every page carries the bound, in UTC without an offset
        Assert.Equal(4, second.Tasks.Single(t => t.TaskId == "pull").RowsRead); // 5, 3, 4 and 2: never 1 or 9
        Assert.Equal(["1|a", "2|b2", "3|c", "4|tie", "5|late"], Target());
        Assert.Equal(DateTimeOffset.Parse("2024-03-01T13:00:00Z", CultureInfo.InvariantCulture), Instant((await WatermarkAsync())!));
    }

    /// <summary>A watermark as an instant, whether the staged field was typed as a timestamp or kept as text.</summary>
    private static DateTimeOffset Instant(CursorValue value) =>
        DateTimeOffset.Parse(value.Text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    /// <summary>The yaml block under the page's "tested by IncrementalHttpTests" marker: the page cannot drift from what runs here.</summary>
    private static string DocsExample()
    {
        var folder = new DirectoryInfo(AppContext.BaseDirectory);
        while (folder is not null && !File.Exists(Path.Combine(folder.FullName, "Sluice.slnx")))
        {
            folder = folder.Parent;
        }

        var page = File.ReadAllText(Path.Combine(folder?.FullName ?? throw new InvalidOperationException("the repository root (Sluice.slnx) is not above the test output."), "docs", "incremental.md"));
        var block = page[page.IndexOf("<!-- tested by IncrementalHttpTests -->", StringComparison.Ordinal)..];
        block = block[(block.IndexOf("```yaml\n", StringComparison.Ordinal) + "```yaml\n".Length)..];
        return block[..block.IndexOf("```", StringComparison.Ordinal)];
    }

    public void Dispose() => _project.Dispose();
}
