using Sluice.Alerts.Tests.Infrastructure;

namespace Sluice.Alerts.Tests;

/// <summary>What `sluice alerts` will list: each delivery with its state, status and error.</summary>
public sealed class AlertHistoryTests : IAsyncLifetime
{
    private static readonly DateOnly March1 = new(2024, 3, 1);
    private Receiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await Receiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Fact]
    public async Task Deliveries_are_listed_newest_last_with_their_status_and_error()
    {
        using var setup = new AlertsSetup($"""
            channels:
              ops: {"{"} type: webhook, url: "{_receiver.Url}/hook" {"}"}
            routes:
              - channels: [ops]
            delivery: {"{"} timeout: 2s, attempts: 2, retry_delay: 100ms, max_total: 5s {"}"}
            """);
        using var router = setup.CreateRouter();
        await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");
        await router.FlushAsync(CancellationToken.None);
        await setup.Events.SucceedingDay(March1, "extract_orders");
        _receiver.Mode = ReceiverMode.Fail500;
        await setup.DriveAsync(() => router.FlushAsync(CancellationToken.None), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));

        var all = await AlertHistory.ReadAsync(setup.Log, "sales_etl", 100, CancellationToken.None);
        var last = await AlertHistory.ReadAsync(setup.Log, null, 1, CancellationToken.None);
        var other = await AlertHistory.ReadAsync(setup.Log, "marketing", 100, CancellationToken.None);

        Assert.Equal([("triggered", "delivered", 1), ("resolved", "failed", 2)], all.Select(d => (d.State, d.Status, d.Attempts)));
        Assert.All(all, d => Assert.Equal(("ops", "sales_etl"), (d.Channel, d.Pipeline)));
        Assert.Contains("500", all[1].Error);
        Assert.Equal(all[1], Assert.Single(last));
        Assert.Empty(other);
    }
}
