using Sluice.Alerts.Tests.Infrastructure;

namespace Sluice.Alerts.Tests;

/// <summary>Secrets never leave in a message, an alert event, an error or a line for stderr.</summary>
public sealed class SecretMaskingTests : IAsyncLifetime
{
    private const string SlackToken = "T0SECRET/B0SECRET/xoxb1234567890secret";
    private const string DatabasePassword = "pg-Pa55word-42";
    private static readonly DateOnly March1 = new(2024, 3, 1);
    private Receiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await Receiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private AlertsSetup Setup() => new(
        $"""
        channels:
          team: {"{"} type: slack, url: "${"{"}SLACK_URL{"}"}" {"}"}
          ops: {"{"} type: webhook, url: "{_receiver.Url}/hook", headers: {"{"} Authorization: "Bearer ${"{"}OPS_TOKEN{"}"}" {"}"} {"}"}
        routes:
          - channels: [team, ops]
        delivery: {"{"} timeout: 2s, attempts: 2, retry_delay: 100ms, max_total: 5s {"}"}
        """,
        new Dictionary<string, string> { ["SLACK_URL"] = $"{_receiver.Url}/services/{SlackToken}", ["OPS_TOKEN"] = "ops-bearer-token-777" });

    [Fact]
    public async Task A_secret_in_an_error_is_masked_in_every_payload_and_alert_event()
    {
        using var setup = Setup();
        // The host registers the run's secrets (connection passwords) with the same masker.
        setup.Masker.Register(DatabasePassword);
        using var router = setup.CreateRouter();
        await setup.Events.FailingDay(March1, "extract_orders", $"login failed for postgres://etl:{DatabasePassword}@db/shop");

        await router.FlushAsync(CancellationToken.None);

        var bodies = _receiver.Requests.Select(r => r.Body).ToList();
        Assert.Equal(2, bodies.Count);
        Assert.All(bodies, b => Assert.DoesNotContain(DatabasePassword, b));
        Assert.All(bodies, b => Assert.Contains("postgres://etl:***@db/shop", b));
        Assert.Equal("Bearer ops-bearer-token-777", _receiver.To("/hook").Single().Headers["Authorization"]);
        var alertEvents = setup.Log.Events.Where(e => e.Type.StartsWith("alert_", StringComparison.Ordinal)).Select(e => e.Payload.ToJsonString()).ToList();
        Assert.Equal(2, alertEvents.Count);
        Assert.All(alertEvents, json => Assert.DoesNotContain(DatabasePassword, json));
        Assert.All(alertEvents, json => Assert.DoesNotContain("ops-bearer-token-777", json));
    }

    [Fact]
    public async Task A_secret_webhook_url_echoed_in_a_failure_is_masked_in_the_error_event_and_the_report()
    {
        using var setup = Setup();
        using var router = setup.CreateRouter();
        _receiver.Mode = ReceiverMode.Fail500;
        await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");

        var (result, _) = await setup.DriveAsync(() => router.FlushAsync(CancellationToken.None), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));

        Assert.Equal(2, result.Failed);
        Assert.Contains(_receiver.Requests, r => r.Path.Contains("xoxb1234567890secret", StringComparison.Ordinal));
        var failures = setup.Log.Events.Where(e => e.Type == "alert_failed").Select(e => e.Text("error")!).ToList();
        Assert.Contains(failures, f => f.Contains("receiver is down at ***", StringComparison.Ordinal));
        Assert.All(failures, f => Assert.DoesNotContain("xoxb1234567890secret", f));
        Assert.Equal(2, setup.Reported.Count);
        Assert.All(setup.Reported, line => Assert.DoesNotContain("xoxb1234567890secret", line));
        Assert.All(setup.Log.Events, e => Assert.DoesNotContain("xoxb1234567890secret", e.Payload.ToJsonString()));
    }
}
