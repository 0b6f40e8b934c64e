using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Connectors.Http.Tests.Infrastructure;

namespace Sluice.Connectors.Http.Tests;

/// <summary>Web pages: tables and repeated elements over three pages joined by next links.</summary>
public sealed class HtmlSourceTests : IDisposable
{
    private readonly TestProject _project = new();

    private static int Page(HttpRequest r) => int.TryParse(r.Query["page"], out var page) ? page : 1;

    private static IResult Html(string body) => Results.Content($"<!DOCTYPE html><html><head><title>t</title></head><body>{body}</body></html>", "text/html; charset=utf-8");

    private static string Next(int page) => page < 3 ? $"<nav><a class=\"next\" href=\"?page={page + 1}\">Next &raquo;</a></nav>" : "<nav><span class=\"next disabled\">Next</span></nav>";

    private static IResult TablePage(HttpRequest r)
    {
        var page = Page(r);
        var rows = string.Concat(Enumerable.Range(((page - 1) * 2) + 1, 2).Select(i => $"<tr><td>{i}</td><td> Product\n {i} </td><td>{i}.50</td></tr>"));
        return Html($"<table id=\"prices\"><thead><tr><th>ID</th><th>Product Name</th><th>Unit Price (€)</th></tr></thead><tbody>{rows}</tbody></table>{Next(page)}");
    }

    [Fact]
    public async Task Table_rows_across_three_pages_with_the_user_agent_and_the_polite_delay()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/prices", TablePage));

        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: prices, table_selector: \"table#prices\", next_selector: a.next, delay: 300ms, user_agent: \"PriceWatch/1.0 (+ops@acme.test)\"", source: "html"),
            Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(["id VARCHAR", "product_name VARCHAR", "unit_price VARCHAR"], _project.Schema("raw"));
        Assert.Equal(Enumerable.Range(1, 6).Select(i => $"{i}|Product {i}|{i}.50"), _project.Rows("raw"));
        var requests = server.To("/prices");
        Assert.Equal([null, "2", "3"], requests.Select(r => r["page"]));
        Assert.All(requests, r => Assert.Equal("PriceWatch/1.0 (+ops@acme.test)", r.UserAgent));
        Assert.All(requests.Zip(requests.Skip(1)), pair => Assert.InRange(pair.Second.AtMs - pair.First.AtMs, 290, 5000));
    }

    [Fact]
    public async Task Repeated_elements_with_fields_attributes_and_declared_types()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/shop", (HttpRequest r) =>
        {
            var page = Page(r);
            var cards = string.Concat(Enumerable.Range(((page - 1) * 3) + 1, 3).Select(i =>
                $"<div class=\"card\" data-sku=\"{i}\"><h2><a class=\"title\" href=\"/p/{i}\">Widget {i}</a></h2><span class=\"price\">{i * 2}.25</span>{(i % 2 == 0 ? "<em class=\"sale\">sale</em>" : string.Empty)}</div>"));
            return Html($"<main>{cards}</main>{Next(page)}");
        }));
        var pipeline = """
            name: p
            datasets:
              raw:
                columns: { sku: INTEGER, title: VARCHAR, link: VARCHAR, price: "DECIMAL(8,2)", sale: VARCHAR, page: VARCHAR }
            tasks:
              pull:
                source: html
                output: raw
                with:
                  connection: api
                  url: shop
                  row_selector: div.card
                  fields: { sku: "@data-sku", title: a.title, link: "a.title @href", price: span.price, sale: em.sale }
                  next_selector: a.next
                  url_column: page
                  delay: 10ms
            """;

        var result = await _project.RunYamlAsync(pipeline, Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        var rows = _project.Rows("raw", "sku, title, link, price, sale");
        Assert.Equal(9, rows.Count);
        Assert.Equal($"2|Widget 2|{server.Url}/p/2|4.25|sale", rows[1]);
        Assert.Equal($"9|Widget 9|{server.Url}/p/9|18.25|NULL", rows[8]);
        Assert.Equal($"{server.Url}/shop?page=3", _project.Rows("raw", "page")[8]);
    }

    [Fact]
    public async Task A_table_selector_that_matches_nothing_fails_naming_the_page_and_max_pages_bounds_the_walk()
    {
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/prices", TablePage);
            app.MapGet("/redesigned", () => Html("<div class=\"grid\">no tables any more</div>"));
        });

        var bounded = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: prices, table_selector: table, next_selector: a.next, max_pages: 2, delay: 0s", source: "html"), Fixtures.Connection(server));
        var missing = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: redesigned, table_selector: \"table#prices\"", source: "html"), Fixtures.Connection(server));

        Assert.True(bounded.Succeeded, bounded.Run.Error);
        Assert.Equal(4, _project.Rows("raw").Count);
        Assert.Contains($"table_selector 'table#prices' matches nothing on {server.Url}/redesigned. The page may have changed", missing.Tasks.Single().Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_forbidden_page_is_an_authentication_error_after_one_request()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/members", () => Results.Content("<h1>Forbidden</h1>", "text/html", statusCode: 403)));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: members, table_selector: table", source: "html", task: "retries: 1"), Fixtures.Connection(server));

        Assert.Single(server.Requests);
        Assert.Contains("authentication failed: GET", result.Tasks.Single().Error, StringComparison.Ordinal);
        Assert.Equal(1, result.Tasks.Single().TryNumber);
    }

    public void Dispose() => _project.Dispose();
}
