using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Connectors.Http.Tests.Infrastructure;

namespace Sluice.Connectors.Http.Tests;

/// <summary>A web page that changed its markup fails or warns loudly instead of loading NULL columns.</summary>
public sealed class HtmlContractTests : IDisposable
{
    private readonly TestProject _project = new();

    private static IResult Html(string body) => Results.Content($"<!DOCTYPE html><html><body>{body}</body></html>", "text/html; charset=utf-8");

    [Fact]
    public async Task A_renamed_table_header_fails_naming_the_declared_column_and_the_new_header()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/prices", () =>
            Html("<table id=\"prices\"><tr><th>Sku</th><th>Unit cost</th></tr><tr><td>1</td><td>12.50</td></tr><tr><td>2</td><td>3.99</td></tr></table>")));
        var pipeline = """
            name: p
            datasets:
              raw:
                columns: { sku: INTEGER, price: "DECIMAL(10,2)" }
            tasks:
              pull:
                source: html
                output: raw
                retries: 2
                retry_delay: 10ms
                with: { connection: api, url: prices, table_selector: "table#prices" }
            """;

        var result = await _project.RunYamlAsync(pipeline, Fixtures.Connection(server));

        var task = result.Tasks.Single();
        Assert.False(result.Succeeded);
        Assert.Equal(1, task.TryNumber);
        Assert.Contains("task 'pull': declared column 'price' is absent from all 2 row(s) of this interval, so it would load as NULL. Fields present: sku, unit_cost. 'price' looks renamed to 'unit_cost' (its values fit DECIMAL(10,2), same position, the only new field; values such as \"12.50\", \"3.99\")", task.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_project.Staged("p", "2024-03-01", "raw")));
    }

    [Fact]
    public async Task A_field_whose_selector_matches_in_no_row_fails_naming_it_and_its_selector_unless_optional()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/shop", () =>
            Html(string.Concat(Enumerable.Range(1, 3).Select(i => $"<div class=\"card\"><h2>Widget {i}</h2><span class=\"cost\">{i}.25</span></div>")))));

        var broken = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: shop, row_selector: div.card, fields: { title: h2, price: span.price, sale: \"em.sale ?\" }", source: "html"),
            Fixtures.Connection(server));

        Assert.False(broken.Succeeded);
        Assert.Contains("task 'pull': field 'price' (selector 'span.price') matched nothing in any of the 3 row(s) of 'div.card' on 1 page(s), so the column would be all NULL. Fields that matched: title.", broken.Tasks.Single().Error, StringComparison.Ordinal);
        Assert.DoesNotContain("'sale'", broken.Tasks.Single().Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_project.Staged("p", "2024-03-01", "raw")));

        var optional = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: shop, row_selector: div.card, fields: { title: h2, price: span.cost, sale: \"em.sale ?\" }", source: "html"),
            Fixtures.Connection(server));

        Assert.True(optional.Succeeded, optional.Run.Error);
        Assert.Equal(["Widget 1|1.25|NULL", "Widget 2|2.25|NULL", "Widget 3|3.25|NULL"], _project.Rows("raw"));
    }

    [Fact]
    public async Task A_table_selector_matching_several_tables_warns_once_naming_how_many_and_which_was_read()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/report", (HttpRequest r) =>
        {
            var page = int.TryParse(r.Query["page"], out var p) ? p : 1;
            var next = page < 2 ? "<a class=\"next\" href=\"?page=2\">next</a>" : string.Empty;
            return Html($"<table id=\"ads\" class=\"promo\"><tr><th>Ad</th></tr><tr><td>buy</td></tr></table><table id=\"prices\"><tr><th>Sku</th></tr><tr><td>{page}</td></tr></table><table><tr><th>x</th></tr></table>{next}");
        }));

        var log = new RunLog();
        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: report, table_selector: table, next_selector: a.next, delay: 0s", source: "html"), Fixtures.Connection(server), observer: log);

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(["buy", "buy"], _project.Rows("raw"));
        Assert.Single(log.Lines, l => l.Contains("warning: table_selector 'table' matches 3 elements on", StringComparison.Ordinal)
            && l.Contains("the first (<table id=\"ads\" class=\"promo\">, columns: ad) is read and the others are ignored", StringComparison.Ordinal));
    }

    public void Dispose() => _project.Dispose();
}
