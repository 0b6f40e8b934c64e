using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Connectors.Http.Tests.Infrastructure;

namespace Sluice.Connectors.Http.Tests;

/// <summary>A declared column that the source stopped sending fails the task instead of loading NULLs.</summary>
public sealed class ContractTests : IDisposable
{
    private readonly TestProject _project = new();

    private static readonly object[] RenamedOrders =
    [
        new { order_id = 1, total = 12.5, created_at = "2024-03-01T09:00:00Z" },
        new { order_id = 2, total = 7.25, created_at = "2024-03-01T10:00:00Z" },
        new { order_id = 3, total = 99.0, created_at = "2024-03-01T11:00:00Z" },
    ];

    private static string Pipeline(string policy = "") => $$"""
        name: p
        datasets:
          raw_orders:
            columns:
              order_id: INTEGER
              amount: { type: "DECIMAL(12,2)", nullable: false }
              created_at: TIMESTAMP
        tasks:
          pull:
            source: http
            output: raw_orders
            retries: 2
            retry_delay: 10ms
            {{policy}}
            with: { connection: api, url: orders, records_path: data }
        """;

    [Fact]
    public async Task A_declared_column_absent_from_every_record_fails_naming_it_the_fields_present_and_the_rename()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/orders", () => Results.Json(new { data = RenamedOrders })));

        var result = await _project.RunYamlAsync(Pipeline(), Fixtures.Connection(server));

        var task = result.Tasks.Single();
        Assert.False(result.Succeeded);
        Assert.Equal(1, task.TryNumber);
        Assert.Contains("task 'pull': declared column 'amount' is absent from all 3 record(s) of this interval, so it would load as NULL. Fields present: order_id, total, created_at.", task.Error, StringComparison.Ordinal);
        Assert.Contains("'amount' looks renamed to 'total' (its values fit DECIMAL(12,2), same position, the only new field; values such as \"12.5\", \"7.25\", \"99\")", task.Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_project.Staged("p", "2024-03-01", "raw_orders")));
        Assert.Single(server.To("/orders"));
    }

    [Fact]
    public async Task Quarantine_does_not_hide_a_missing_column()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/orders", () => Results.Json(new { data = RenamedOrders })));

        var result = await _project.RunYamlAsync(Pipeline("on_bad_rows: quarantine"), Fixtures.Connection(server));

        Assert.False(result.Succeeded);
        Assert.Contains("declared column 'amount' is absent from all 3 record(s)", result.Tasks.Single().Error, StringComparison.Ordinal);
        Assert.False(File.Exists(_project.Staged("p", "2024-03-01", "raw_orders")));
    }

    [Fact]
    public async Task Two_missing_columns_without_a_clear_candidate_are_listed_without_a_guess()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/orders", () =>
            Results.Json(new { data = new object[] { new { order_id = 1, note = "a", label = "b" } } })));

        var result = await _project.RunYamlAsync(Pipeline(), Fixtures.Connection(server));

        var error = result.Tasks.Single().Error!;
        Assert.Contains("declared columns 'amount', 'created_at' are absent from all 1 record(s) of this interval, so they would load as NULL. Fields present: order_id, note, label.", error, StringComparison.Ordinal);
        Assert.DoesNotContain("looks renamed", error, StringComparison.Ordinal);
    }

    public void Dispose() => _project.Dispose();
}
