using Sluice.Alerts.Tests.Infrastructure;
using Sluice.Events;

namespace Sluice.Alerts.Tests;

/// <summary>One incident, one alert: retries, repeated days and restarts do not multiply messages; recovery is told once.</summary>
public sealed class IncidentTests : IAsyncLifetime
{
    private static readonly DateOnly March1 = new(2024, 3, 1);
    private Receiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await Receiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private AlertsSetup Setup(string grouping = "") => new($"""
        channels:
          ops:
            type: webhook
            url: {_receiver.Url}/hook
        routes:
          - channels: [ops]
        delivery: {"{"} timeout: 2s, attempts: 2, retry_delay: 100ms, max_total: 5s {"}"}
        {grouping}
        """);

    private IReadOnlyList<ReceivedRequest> Alerts(string state) => _receiver.To("/hook").Where(r => r.Json["state"]!.ToString() == state).ToList();

    [Fact]
    public async Task A_task_that_fails_after_its_retries_sends_one_alert_not_one_per_attempt_or_for_the_run()
    {
        using var setup = Setup();
        using var router = setup.CreateRouter();

        await setup.Events.FailingDay(March1, "extract_orders", "no file matches data/orders_2024-03-01.csv", retries: 3);
        var result = await router.FlushAsync(CancellationToken.None);

        var alert = Assert.Single(_receiver.To("/hook")).Json;
        Assert.Equal(1, result.Sent);
        Assert.Equal("triggered", alert["state"]!.ToString());
        Assert.Equal("task_failed", alert["kind"]!.ToString());
        Assert.Equal("extract_orders", alert["subject"]!.ToString());
        Assert.Equal("error", alert["severity"]!.ToString());
        Assert.Equal("sales_etl: task 'extract_orders' failed for 2024-03-01", alert["summary"]!.ToString());
        Assert.Contains("no file matches data/orders_2024-03-01.csv", alert["details"]!.ToString());
        Assert.Equal(["2024-03-01"], alert["intervals"]!.AsArray().Select(d => d!.ToString()));
        var sent = Assert.Single(setup.Log.OfType(EventTypes.AlertSent));
        Assert.Equal(alert["incident_key"]!.ToString(), sent.Text("incident"));
        Assert.Equal("ops", sent.Text("channel"));
    }

    [Fact]
    public async Task A_30_day_backfill_failing_the_same_way_sends_one_alert_listing_every_day()
    {
        using var setup = Setup();
        using var router = setup.CreateRouter();

        for (var day = 0; day < 30; day++)
        {
            var date = March1.AddDays(day);
            await setup.Events.FailingDay(date, "extract_orders", $"no file matches data/orders_{date:yyyy-MM-dd}.csv (read 0 of 1{day} files in 0.{day}s)");
            setup.Clock.Advance(TimeSpan.FromSeconds(5));
        }

        await router.FlushAsync(CancellationToken.None);
        await router.FlushAsync(CancellationToken.None);

        var alert = Assert.Single(_receiver.To("/hook")).Json;
        var days = alert["intervals"]!.AsArray().Select(d => d!.ToString()).ToList();
        Assert.Equal(Enumerable.Range(0, 30).Select(d => March1.AddDays(d).ToString("yyyy-MM-dd")), days);
        Assert.Equal("sales_etl: task 'extract_orders' failed for 30 intervals from 2024-03-01 to 2024-03-30", alert["summary"]!.ToString());
        Assert.Equal(30, alert["occurrences"]!.GetValue<int>());
        Assert.Equal(30, alert["runs"]!.AsArray().Count);
    }

    [Fact]
    public async Task Different_faults_of_one_task_are_different_incidents()
    {
        using var setup = Setup();
        using var router = setup.CreateRouter();

        await setup.Events.FailingDay(March1, "extract_orders", "no file matches data/orders_2024-03-01.csv");
        await setup.Events.FailingDay(March1.AddDays(1), "extract_orders", "column 'amount' is missing; present: id, total");
        await router.FlushAsync(CancellationToken.None);

        var keys = _receiver.To("/hook").Select(r => r.Json["incident_key"]!.ToString()).ToList();
        Assert.Equal(2, keys.Distinct().Count());
        Assert.All(keys, k => Assert.StartsWith("sales_etl/task_failed/extract_orders/", k));
    }

    [Fact]
    public async Task Recovery_is_sent_once_when_every_failed_day_has_succeeded_since()
    {
        using var setup = Setup();
        using var router = setup.CreateRouter();
        for (var day = 0; day < 3; day++)
        {
            await setup.Events.FailingDay(March1.AddDays(day), "extract_orders", "partner API answered 503");
        }

        await router.FlushAsync(CancellationToken.None);
        await setup.Events.SucceedingDay(March1, "extract_orders");
        await setup.Events.SucceedingDay(March1.AddDays(1), "extract_orders");
        await router.FlushAsync(CancellationToken.None);
        Assert.Empty(Alerts("resolved"));

        await setup.Events.SucceedingDay(March1.AddDays(2), "extract_orders");
        await router.FlushAsync(CancellationToken.None);
        await setup.Events.SucceedingDay(March1.AddDays(2), "extract_orders");
        await router.FlushAsync(CancellationToken.None);

        Assert.Single(Alerts("triggered"));
        var resolved = Assert.Single(Alerts("resolved")).Json;
        Assert.Equal(Alerts("triggered")[0].Json["incident_key"]!.ToString(), resolved["incident_key"]!.ToString());
        Assert.Equal("sales_etl: task 'extract_orders' failed for 3 intervals from 2024-03-01 to 2024-03-03: recovered", resolved["summary"]!.ToString());
        Assert.Single(setup.Log.OfType(EventTypes.AlertRecovered));
    }

    [Fact]
    public async Task A_later_day_succeeding_does_not_resolve_days_that_are_still_missing()
    {
        using var setup = Setup();
        using var router = setup.CreateRouter();
        await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");
        await router.FlushAsync(CancellationToken.None);

        await setup.Events.SucceedingDay(March1.AddDays(1), "extract_orders");
        await router.FlushAsync(CancellationToken.None);

        Assert.Empty(Alerts("resolved"));
    }

    [Fact]
    public async Task A_restarted_router_neither_resends_nor_forgets_what_it_must_resolve()
    {
        using var setup = Setup();
        using (var first = setup.CreateRouter())
        {
            await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");
            await first.FlushAsync(CancellationToken.None);
            // More days fail after the alert went out: they join the incident without a message.
            await setup.Events.FailingDay(March1.AddDays(1), "extract_orders", "partner API answered 503");
            await first.FlushAsync(CancellationToken.None);
        }

        using var second = setup.CreateRouter();
        await second.FlushAsync(CancellationToken.None);
        Assert.Single(_receiver.To("/hook"));

        await setup.Events.SucceedingDay(March1, "extract_orders");
        await second.FlushAsync(CancellationToken.None);
        Assert.Empty(Alerts("resolved"));

        await setup.Events.SucceedingDay(March1.AddDays(1), "extract_orders");
        using var third = setup.CreateRouter();
        await third.FlushAsync(CancellationToken.None);
        var resolved = Assert.Single(Alerts("resolved")).Json;
        Assert.Equal(["2024-03-01", "2024-03-02"], resolved["intervals"]!.AsArray().Select(d => d!.ToString()));

        using var fourth = setup.CreateRouter();
        await fourth.FlushAsync(CancellationToken.None);
        Assert.Equal(2, _receiver.To("/hook").Count);
    }

    [Fact]
    public async Task A_restarted_router_rebuilds_incidents_announced_at_different_positions()
    {
        using var setup = Setup();
        using (var first = setup.CreateRouter())
        {
            await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");
            await first.FlushAsync(CancellationToken.None);
            await setup.Events.FailingDay(March1.AddDays(1), "extract_orders", "partner API answered 503");
            var run = setup.Events.NewRun();
            await setup.Events.Check(run, March1.AddDays(2), "orders", "row_count", "fail", severity: "warn");
            await setup.Events.RunFinished(run, March1.AddDays(2), "success");
            await first.FlushAsync(CancellationToken.None);
            var rerun = setup.Events.NewRun();
            await setup.Events.Check(rerun, March1.AddDays(2), "orders", "row_count", "pass");
            await first.FlushAsync(CancellationToken.None);
        }

        Assert.Equal(3, _receiver.To("/hook").Count);
        using var second = setup.CreateRouter();
        await second.FlushAsync(CancellationToken.None);
        await setup.Events.SucceedingDay(March1, "extract_orders");
        await second.FlushAsync(CancellationToken.None);
        Assert.Equal(3, _receiver.To("/hook").Count);

        await setup.Events.SucceedingDay(March1.AddDays(1), "extract_orders");
        await second.FlushAsync(CancellationToken.None);

        var messages = _receiver.To("/hook").Select(r => (r.Json["kind"]!.ToString(), r.Json["state"]!.ToString())).ToList();
        Assert.Equal([("task_failed", "triggered"), ("check_failed", "triggered"), ("check_failed", "resolved"), ("task_failed", "resolved")], messages);
    }

    [Fact]
    public async Task A_new_incident_waits_for_its_grouping_window_before_it_is_announced()
    {
        using var setup = Setup("grouping: { quiet_for: 1m, max_wait: 10m }");
        using var router = setup.CreateRouter();

        await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");
        setup.Clock.Advance(TimeSpan.FromSeconds(30));
        await router.ProcessAsync(CancellationToken.None);
        Assert.Empty(_receiver.To("/hook"));

        await setup.Events.FailingDay(March1.AddDays(1), "extract_orders", "partner API answered 503");
        setup.Clock.Advance(TimeSpan.FromSeconds(59));
        await router.ProcessAsync(CancellationToken.None);
        Assert.Empty(_receiver.To("/hook"));

        setup.Clock.Advance(TimeSpan.FromSeconds(2));
        await router.ProcessAsync(CancellationToken.None);
        var alert = Assert.Single(_receiver.To("/hook")).Json;
        Assert.Equal(2, alert["intervals"]!.AsArray().Count);
    }

    [Fact]
    public async Task Faults_older_than_the_history_limit_are_not_announced_when_alerts_are_turned_on()
    {
        using var setup = Setup("grouping: { ignore_older_than: 2d }");
        await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");
        setup.Clock.Advance(TimeSpan.FromDays(3));
        await setup.Events.FailingDay(March1.AddDays(3), "load_orders", "disk full");
        using var router = setup.CreateRouter();

        await router.FlushAsync(CancellationToken.None);

        var alert = Assert.Single(_receiver.To("/hook")).Json;
        Assert.Equal("load_orders", alert["subject"]!.ToString());
    }

    [Fact]
    public async Task An_incident_that_keeps_recurring_is_announced_at_its_max_wait_and_later_days_join_it_silently()
    {
        using var setup = Setup("grouping: { quiet_for: 1m, max_wait: 5m }");
        using var router = setup.CreateRouter();

        for (var day = 0; day < 8; day++)
        {
            await setup.Events.FailingDay(March1.AddDays(day), "extract_orders", "partner API answered 503");
            setup.Clock.Advance(TimeSpan.FromSeconds(50));
            await router.ProcessAsync(CancellationToken.None);
        }

        var alert = Assert.Single(_receiver.To("/hook")).Json;
        Assert.Equal(6, alert["intervals"]!.AsArray().Count);
        var sent = Assert.Single(setup.Log.OfType(EventTypes.AlertSent));
        Assert.Equal(6, sent.Payload["intervals"]!.AsArray().Count);

        await router.FlushAsync(CancellationToken.None);
        for (var day = 0; day < 8; day++)
        {
            await setup.Events.SucceedingDay(March1.AddDays(day), "extract_orders");
        }

        await router.FlushAsync(CancellationToken.None);
        var resolved = Assert.Single(Alerts("resolved")).Json;
        Assert.Equal(8, resolved["intervals"]!.AsArray().Count);
        Assert.Single(Alerts("triggered"));
    }

    [Fact]
    public async Task An_incident_that_clears_before_it_is_announced_still_sends_its_alert_and_its_recovery()
    {
        using var setup = Setup();
        using var router = setup.CreateRouter();
        await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");
        await setup.Events.SucceedingDay(March1, "extract_orders");

        await router.FlushAsync(CancellationToken.None);

        Assert.Equal(["triggered", "resolved"], _receiver.To("/hook").Select(r => r.Json["state"]!.ToString()));
    }

    [Fact]
    public async Task A_run_that_fails_without_a_task_event_is_its_own_incident()
    {
        using var setup = Setup();
        using var router = setup.CreateRouter();

        var run = setup.Events.NewRun();
        await setup.Events.RunFinished(run, March1, "failed", "the warehouse lock was held by another process");
        await router.FlushAsync(CancellationToken.None);

        var alert = Assert.Single(_receiver.To("/hook")).Json;
        Assert.Equal("run_failed", alert["kind"]!.ToString());
        Assert.Equal("sales_etl: the run failed for 2024-03-01", alert["summary"]!.ToString());
    }

    [Fact]
    public async Task A_failed_check_takes_its_severity_and_clears_when_it_passes()
    {
        using var setup = Setup();
        using var router = setup.CreateRouter();
        var run = setup.Events.NewRun();
        await setup.Events.Check(run, March1, "orders", "not_null_amount", "fail", severity: "warn", message: "12 rows have a null amount");
        await setup.Events.RunFinished(run, March1, "success");
        await router.FlushAsync(CancellationToken.None);

        var rerun = setup.Events.NewRun();
        await setup.Events.Check(rerun, March1, "orders", "not_null_amount", "pass");
        await router.FlushAsync(CancellationToken.None);

        var triggered = Assert.Single(Alerts("triggered")).Json;
        Assert.Equal("warning", triggered["severity"]!.ToString());
        Assert.Equal("check_failed", triggered["kind"]!.ToString());
        Assert.Equal("sales_etl/check_failed/orders.not_null_amount", triggered["incident_key"]!.ToString());
        Assert.Contains("12 rows have a null amount", triggered["details"]!.ToString());
        Assert.Single(Alerts("resolved"));
    }
}
