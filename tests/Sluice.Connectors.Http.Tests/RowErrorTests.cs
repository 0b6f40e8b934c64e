using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Connectors.Http.Tests.Infrastructure;

namespace Sluice.Connectors.Http.Tests;

/// <summary>A value that does not fit its declared type is reported by source, page and row, never by an internal file.</summary>
public sealed class RowErrorTests : IDisposable
{
    private readonly TestProject _project = new();

    private static int Page(HttpRequest r) => int.TryParse(r.Query["page"], out var page) ? page : 1;

    [Fact]
    public async Task A_scraped_price_that_is_not_a_decimal_names_the_page_the_row_the_column_and_the_value()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/prices", (HttpRequest r) =>
        {
            var page = Page(r);
            var price = page == 2 ? "$3,477.00" : "12.50";
            var next = page < 3 ? $"<a class=\"next\" href=\"?page={page + 1}\">next</a>" : string.Empty;
            return Results.Content($"<table><tr><th>Sku</th><th>Price</th></tr><tr><td>{page}1</td><td>1.00</td></tr><tr><td>{page}2</td><td>{price}</td></tr></table>{next}", "text/html");
        }));
        var pipeline = """
            name: p
            datasets:
              raw:
                columns: { sku: INTEGER, price: "DECIMAL(10,2)" }
            tasks:
              pull:
                source: html
                output: raw
                with: { connection: api, url: prices, table_selector: table, next_selector: a.next, delay: 0s }
            """;

        var result = await _project.RunYamlAsync(pipeline, Fixtures.Connection(server));

        var error = result.Tasks.Single().Error!;
        Assert.False(result.Succeeded);
        Assert.Contains($"task 'pull': row 2 of page {server.Url}/prices?page=2 (row 4 of the interval): column 'price' has \"$3,477.00\", which does not convert to DECIMAL(10,2)", error, StringComparison.Ordinal);
        Assert.DoesNotContain(".jsonl", error, StringComparison.Ordinal);
        Assert.DoesNotContain("line 1", error, StringComparison.Ordinal);
        Assert.False(File.Exists(_project.Staged("p", "2024-03-01", "raw")));
    }

    [Fact]
    public async Task A_json_record_that_does_not_fit_names_the_page_and_the_record()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/orders", (HttpRequest r) =>
        {
            var page = Page(r);
            var items = page switch
            {
                1 => new object[] { new { id = 1, amount = "1.50" }, new { id = 2, amount = "2.50" } },
                2 => [new { id = 3, amount = "3.50" }, new { id = 4, amount = "n/a" }],
                _ => [],
            };
            return Results.Json(new { items });
        }));

        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: orders, records_path: items, pagination: page, columns: { id: INTEGER, amount: \"DECIMAL(12,2)\" }"),
            Fixtures.Connection(server));

        var error = result.Tasks.Single().Error!;
        Assert.Contains($"task 'pull': record 2 of page {server.Url}/orders?page=2 (record 4 of the interval): column 'amount' has \"n/a\", which does not convert to DECIMAL(12,2)", error, StringComparison.Ordinal);
        Assert.DoesNotContain(".jsonl", error, StringComparison.Ordinal);
    }

    public void Dispose() => _project.Dispose();
}
