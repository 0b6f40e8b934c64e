using System.Diagnostics;
using Sluice.Alerts.Tests.Infrastructure;
using Sluice.Events;

namespace Sluice.Alerts.Tests;

/// <summary>A receiver that fails or hangs is retried with backoff, then reported, never past the delivery bound.</summary>
public sealed class DeliveryTests : IAsyncLifetime
{
    private static readonly DateOnly March1 = new(2024, 3, 1);
    private Receiver _down = null!;
    private Receiver _up = null!;

    public async Task InitializeAsync()
    {
        _down = await Receiver.StartAsync();
        _up = await Receiver.StartAsync();
    }

    public async Task DisposeAsync()
    {
        await _down.DisposeAsync();
        await _up.DisposeAsync();
    }

    private AlertsSetup Setup(string delivery) => new($"""
        channels:
          down: {"{"} type: webhook, url: "{_down.Url}/hook" {"}"}
          up: {"{"} type: slack, url: "{_up.Url}/slack" {"}"}
        routes:
          - channels: [down, up]
        delivery: {delivery}
        """);

    [Fact]
    public async Task A_receiver_answering_500_is_retried_with_backoff_then_recorded_and_reported_within_the_bound()
    {
        using var setup = Setup("{ timeout: 5s, attempts: 4, retry_delay: 1s, max_total: 30s }");
        using var router = setup.CreateRouter();
        _down.Mode = ReceiverMode.Fail500;
        await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");

        var (result, took) = await setup.DriveAsync(() => router.FlushAsync(CancellationToken.None), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));

        Assert.Equal(4, _down.To("/hook").Count);
        Assert.Single(_up.To("/slack"));
        Assert.Equal((1, 1), (result.Sent, result.Failed));
        // Backoff of 1s, 2s and 4s between the four attempts: at least 7s, and never past the bound.
        Assert.InRange(took, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(30));
        var failed = Assert.Single(setup.Log.OfType(EventTypes.AlertFailed));
        Assert.Equal(("down", 4L), (failed.Text("channel"), failed.Number("attempt")));
        Assert.Contains("500", failed.Text("error"));
        var line = Assert.Single(setup.Reported);
        Assert.Contains("could not deliver incident 'sales_etl/task_failed/extract_orders/", line);
        Assert.Contains("to channel 'down' after 4 attempt(s): the receiver answered 500", line);
        Assert.Equal("up", Assert.Single(setup.Log.OfType(EventTypes.AlertSent)).Text("channel"));
    }

    [Fact]
    public async Task A_receiver_that_recovers_gets_the_alert_on_a_later_attempt()
    {
        using var setup = Setup("{ timeout: 5s, attempts: 4, retry_delay: 1s, max_total: 30s }");
        using var router = setup.CreateRouter();
        _down.FailFirst = 2;
        await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");

        var (result, _) = await setup.DriveAsync(() => router.FlushAsync(CancellationToken.None), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));

        Assert.Equal((2, 0), (result.Sent, result.Failed));
        Assert.Equal(3, _down.To("/hook").Count);
        Assert.Equal(3L, setup.Log.OfType(EventTypes.AlertSent).Single(e => e.Text("channel") == "down").Number("attempt"));
        Assert.Empty(setup.Reported);
    }

    [Fact]
    public async Task A_refusal_that_retrying_cannot_fix_is_not_retried()
    {
        using var setup = Setup("{ timeout: 5s, attempts: 4, retry_delay: 1s, max_total: 30s }");
        using var router = setup.CreateRouter();
        _down.Mode = ReceiverMode.Fail404;
        await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");

        var (result, _) = await setup.DriveAsync(() => router.FlushAsync(CancellationToken.None), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(30));

        Assert.Equal(1, result.Failed);
        Assert.Single(_down.To("/hook"));
        Assert.Contains("404", Assert.Single(setup.Reported));
    }

    [Fact]
    public async Task A_receiver_that_hangs_times_out_each_attempt_and_the_pass_ends_at_the_bound()
    {
        using var setup = Setup("{ timeout: 4s, attempts: 10, retry_delay: 1s, max_total: 12s }");
        using var router = setup.CreateRouter();
        _down.Mode = ReceiverMode.Hang;
        await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");

        var (result, took) = await setup.DriveAsync(() => router.FlushAsync(CancellationToken.None), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(12));

        Assert.InRange(took, TimeSpan.FromSeconds(7), TimeSpan.FromSeconds(12));
        Assert.InRange(_down.To("/hook").Count, 2, 3);
        Assert.Equal((1, 1), (result.Sent, result.Failed));
        var line = Assert.Single(setup.Reported);
        Assert.Contains("no answer within", line);
        Assert.Contains("the delivery bound (max_total 12s) ran out", line);
    }

    [Fact]
    public async Task A_hanging_receiver_delays_the_host_by_no_more_than_the_bound_in_real_time()
    {
        using var setup = Setup("{ timeout: 500ms, attempts: 10, retry_delay: 200ms, max_total: 1500ms }");
        using var router = setup.CreateRouter(TimeProvider.System);
        _down.Mode = ReceiverMode.Hang;
        await new RunEvents(setup.Log, TimeProvider.System).FailingDay(March1, "extract_orders", "partner API answered 503");

        var clock = Stopwatch.StartNew();
        var result = await router.FlushAsync(CancellationToken.None);
        clock.Stop();

        Assert.Equal(1, result.Failed);
        Assert.Equal(TimeSpan.FromMilliseconds(1500), router.DeliveryBound);
        Assert.InRange(clock.Elapsed, TimeSpan.FromMilliseconds(900), TimeSpan.FromMilliseconds(1500 + 500));
    }

    [Fact]
    public async Task An_unreadable_event_log_is_reported_not_thrown_and_alerts_follow_once_it_is_back()
    {
        using var setup = Setup("{ timeout: 2s, attempts: 2, retry_delay: 100ms, max_total: 5s }");
        using var router = setup.CreateRouter();
        await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");
        setup.Log.ReadFailure = "database is locked";

        var failed = await router.FlushAsync(CancellationToken.None);

        Assert.Equal(0, failed.Sent);
        Assert.Contains("could not read or write the event log, alerts are delayed until it can: database is locked", Assert.Single(setup.Reported));
        setup.Log.ReadFailure = null;
        var recovered = await router.FlushAsync(CancellationToken.None);
        Assert.Equal(2, recovered.Sent);
    }
}
