using Sluice.Connectors.Postgres.Tests.Infrastructure;

namespace Sluice.Connectors.Postgres.Tests.Examples;

/// <summary>
/// examples/partner-orders end to end: its pipeline file and connections.yaml, against the test
/// PostgreSQL and the example's partner API in-process. The tests share environment variables, so
/// they stay in this one class, which xunit runs one test at a time.
/// </summary>
public sealed class PartnerOrdersExampleTests
{
    [Fact]
    public async Task Backfill_loads_every_changed_order_enriched_with_the_partner_catalog()
    {
        await using var example = await PartnerOrdersExample.StartAsync(failEvery: 3);

        await example.BackfillAsync("2024-03-01", "2024-03-04");

        var expected = await PartnerOrdersReport.ExpectedAsync(example.Shop, PartnerOrdersExample.Day("2024-03-01"), PartnerOrdersExample.Day("2024-03-04"));
        var actual = await PartnerOrdersReport.ActualAsync(example.Reporting);
        Assert.Equal(expected, actual);
        // The seed covers what the example promises to show; without these the comparison proves less.
        Assert.Equal(await example.Shop.ScalarAsync<long>("SELECT count(*) FROM shop.orders"), actual.Count);
        Assert.Contains(actual, r => r.ProductName is null);
        Assert.Contains(actual, r => r.Status == "returned" && r.LoadedFor > r.OrderDate);
        Assert.Contains(actual, r => r.UpdatedAt == r.LoadedFor.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc));
        Assert.Contains(example.Log.Lines, l => l.StartsWith("extract_products: ", StringComparison.Ordinal) && l.Contains("HTTP 429", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Rerunning_a_day_changes_nothing()
    {
        await using var example = await PartnerOrdersExample.StartAsync();
        await example.BackfillAsync("2024-03-01", "2024-03-03");
        var before = await example.Reporting.SnapshotAsync(PartnerOrdersExample.ReportTable);

        await example.RunAsync("2024-03-02");

        Assert.Equal(before, await example.Reporting.SnapshotAsync(PartnerOrdersExample.ReportTable));
        Assert.Contains(example.Log.Lines, l => l.Contains("into reporting.partner_orders (upsert)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_order_changed_upstream_is_updated_not_duplicated()
    {
        await using var example = await PartnerOrdersExample.StartAsync();
        await example.BackfillAsync("2024-03-01", "2024-03-02");
        var rows = await example.Reporting.ScalarAsync<long>($"SELECT count(*) FROM {PartnerOrdersExample.ReportTable}");

        // Order 5001, loaded by the run of 2024-03-01, changes on 2024-03-02: more items, another SKU.
        await example.Shop.ExecuteAsync("""
            UPDATE shop.orders SET quantity = quantity + 3, sku = 'SKU-017', status = 'amended',
                                   updated_at = timestamptz '2024-03-02 09:15:00+00'
            WHERE order_id = 5001
            """);
        await example.RunAsync("2024-03-02");

        var actual = await PartnerOrdersReport.ActualAsync(example.Reporting);
        Assert.Equal(rows, actual.Count);
        var changed = Assert.Single(actual, r => r.OrderId == 5001);
        Assert.Equal(("amended", "SKU-017", PartnerOrdersExample.Day("2024-03-02")), (changed.Status, changed.Sku, changed.LoadedFor));
        Assert.Equal(await PartnerOrdersReport.ExpectedAsync(example.Shop, PartnerOrdersExample.Day("2024-03-01"), PartnerOrdersExample.Day("2024-03-02")), actual);
    }
}
