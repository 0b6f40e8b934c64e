using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Connectors.Http.Tests.Infrastructure;

namespace Sluice.Connectors.Http.Tests;

/// <summary>What a response must look like, what becomes of nested data, and the errors when it looks otherwise.</summary>
public sealed class ResponseShapeTests : IDisposable
{
    private readonly TestProject _project = new();

    private static readonly object[] Orders =
    [
        new { id = 1, customer = new { name = "Ada", address = new { city = "London", zip = "N1" } }, tags = new[] { "new", "vip" }, total = 12.5 },
        new { id = 2, customer = new { name = "Linus", address = new { city = "Helsinki", zip = "00100" } }, tags = Array.Empty<string>(), total = 7.0 },
    ];

    [Fact]
    public async Task Nested_objects_become_underscore_columns_and_arrays_stay_lists()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/orders", () => Results.Json(new { data = new { items = Orders } })));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: orders, records_path: data.items"), Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(
            ["id BIGINT", "customer_name VARCHAR", "customer_address_city VARCHAR", "customer_address_zip VARCHAR", "tags VARCHAR[]", "total DOUBLE"],
            _project.Schema("raw"));
        Assert.Equal(["1|Ada|London|N1|[new,vip]|12.5", "2|Linus|Helsinki|00100|[]|7"], _project.Rows("raw"));
    }

    [Fact]
    public async Task Declared_columns_give_types_keep_only_those_columns_and_fill_keys_some_records_lack_with_null()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/orders", () => Results.Json(Orders.Append(new { id = 3, discount = 0.5 }))));
        var pipeline = """
            name: p
            datasets:
              raw:
                columns: { id: INTEGER, customer_address_city: VARCHAR, total: "DECIMAL(10,2)", tags: JSON, discount: DOUBLE }
            tasks:
              pull: { source: http, output: raw, with: { connection: api, url: orders } }
            """;

        var result = await _project.RunYamlAsync(pipeline, Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(["id INTEGER", "customer_address_city VARCHAR", "total DECIMAL(10,2)", "tags JSON", "discount DOUBLE"], _project.Schema("raw"));
        Assert.Equal(["1|London|12.50|[\"new\",\"vip\"]|NULL", "2|Helsinki|7.00|[]|NULL", "3|NULL|NULL|NULL|0.5"], _project.Rows("raw"));
    }

    [Fact]
    public async Task A_field_first_seen_on_a_late_page_still_gets_a_column_and_its_type()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/items", (HttpRequest r) => r.Query["page"].ToString() switch
        {
            "1" => Results.Json(new object[] { new { id = 1, score = (int?)null } }),
            "2" => Results.Json(new object[] { new { id = 2, score = (int?)7, late = "yes" } }),
            _ => Results.Json(Array.Empty<object>()),
        }));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: items, pagination: page"), Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(["id BIGINT", "score BIGINT", "late VARCHAR"], _project.Schema("raw"));
        Assert.Equal(["1|NULL|NULL", "2|7|yes"], _project.Rows("raw"));
    }

    [Fact]
    public async Task A_body_that_is_not_json_fails_naming_the_url_without_secrets_the_status_and_the_body()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/report", () => Results.Text("<html><body>Please log in</body></html>", "text/html")));

        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: report, query: { day: \"{{ ds }}\", api_key: sk-literal-123 }", task: "retries: 2"),
            Fixtures.Connection(server));

        var error = result.Tasks.Single().Error!;
        Assert.Single(server.To("/report"));
        Assert.Contains($"{server.Url}/report?day=2024-03-01&api_key=*** answered HTTP 200 OK with a body that is not JSON (text/html). Body: <html><body>Please log in</body></html>", error, StringComparison.Ordinal);
        Assert.DoesNotContain("sk-literal-123", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Json_without_the_records_path_fails_listing_the_keys_it_has()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/v2/orders", () => Results.Json(new { results = Orders, count = 2 })));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: v2/orders, records_path: data.items"), Fixtures.Connection(server));

        var error = result.Tasks.Single().Error!;
        Assert.Contains($"the JSON from {server.Url}/v2/orders (HTTP 200 OK) has no 'data.items' (its top-level keys: results, count). Set records_path", error, StringComparison.Ordinal);
        Assert.Contains("Body: {\"results\":[{\"id\":1,", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task No_records_write_an_empty_dataset_when_columns_are_declared_and_explain_when_not()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/none", () => Results.Json(new { items = Array.Empty<object>() })));

        var declared = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: none, records_path: items, columns: { id: BIGINT }"), Fixtures.Connection(server));
        Assert.True(declared.Succeeded, declared.Run.Error);
        Assert.Equal(["id BIGINT"], _project.Schema("raw"));
        Assert.Empty(_project.Rows("raw"));

        var inferred = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: none, records_path: items"), Fixtures.Connection(server));
        Assert.Contains("no records were returned, and without declared columns an empty dataset has no schema", inferred.Tasks.Single().Error, StringComparison.Ordinal);
    }

    public void Dispose() => _project.Dispose();
}
