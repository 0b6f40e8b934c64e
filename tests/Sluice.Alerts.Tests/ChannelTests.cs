using netDumbster.smtp;
using SmtpConfiguration = netDumbster.smtp.Configuration;
using Sluice.Alerts.Tests.Infrastructure;
using Sluice.Events;

namespace Sluice.Alerts.Tests;

/// <summary>What each channel type puts on the wire, checked at a real receiver: HTTP on loopback, SMTP in process.</summary>
public sealed class ChannelTests : IAsyncLifetime
{
    private static readonly DateOnly March1 = new(2024, 3, 1);
    private Receiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await Receiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    private async Task FailThenRecoverAsync(AlertsSetup setup)
    {
        using var router = setup.CreateRouter();
        await setup.Events.FailingDay(March1, "extract_orders", "column 'amount' is missing; present: id, total");
        await setup.Events.FailingDay(March1.AddDays(1), "extract_orders", "column 'amount' is missing; present: id, total");
        await router.FlushAsync(CancellationToken.None);
        await setup.Events.SucceedingDay(March1, "extract_orders");
        await setup.Events.SucceedingDay(March1.AddDays(1), "extract_orders");
        await router.FlushAsync(CancellationToken.None);
    }

    [Fact]
    public async Task Slack_gets_one_text_message_naming_the_pipeline_task_days_and_error_then_its_recovery()
    {
        using var setup = new AlertsSetup(
            """
            channels:
              team: { type: slack, url: "${SLACK_URL}" }
            routes:
              - channels: [team]
            """,
            new Dictionary<string, string> { ["SLACK_URL"] = _receiver.Url + "/services/T000/B000/XXXX" });

        await FailThenRecoverAsync(setup);

        var texts = _receiver.To("/services/T000/B000/XXXX").Select(r => r.Json["text"]!.ToString()).ToList();
        Assert.Equal(2, texts.Count);
        Assert.StartsWith("*[Sluice ERROR] sales_etl: task 'extract_orders' failed for 2 intervals from 2024-03-01 to 2024-03-02*", texts[0]);
        Assert.Contains("column 'amount' is missing; present: id, total", texts[0]);
        Assert.Contains("Intervals (2): 2024-03-01 to 2024-03-02", texts[0]);
        Assert.StartsWith("*[Sluice RESOLVED] sales_etl: task 'extract_orders' failed for 2 intervals from 2024-03-01 to 2024-03-02: recovered*", texts[1]);
    }

    [Fact]
    public async Task PagerDuty_gets_a_trigger_and_then_a_resolve_with_the_same_dedup_key()
    {
        using var setup = new AlertsSetup(
            $"""
            channels:
              pager: {"{"} type: pagerduty, routing_key: "${"{"}PD_KEY{"}"}", url: "{_receiver.Url}/v2/enqueue" {"}"}
            routes:
              - min_severity: error
                channels: [pager]
            """,
            new Dictionary<string, string> { ["PD_KEY"] = "R0UT1NGKEY0000000000000000000000" });

        await FailThenRecoverAsync(setup);

        var events = _receiver.To("/v2/enqueue").Select(r => r.Json).ToList();
        Assert.Equal(["trigger", "resolve"], events.Select(e => e["event_action"]!.ToString()));
        Assert.All(events, e => Assert.Equal("R0UT1NGKEY0000000000000000000000", e["routing_key"]!.ToString()));
        Assert.Equal(events[0]["dedup_key"]!.ToString(), events[1]["dedup_key"]!.ToString());
        Assert.StartsWith("sales_etl/task_failed/extract_orders/", events[0]["dedup_key"]!.ToString());
        var payload = events[0]["payload"]!.AsObject();
        Assert.Equal("error", payload["severity"]!.ToString());
        Assert.Equal("sluice/sales_etl", payload["source"]!.ToString());
        Assert.Equal("sales_etl: task 'extract_orders' failed for 2 intervals from 2024-03-01 to 2024-03-02", payload["summary"]!.ToString());
        Assert.Equal(2, payload["custom_details"]!["intervals"]!.AsArray().Count);
    }

    [Fact]
    public async Task Routes_send_by_severity_and_pipeline_glob()
    {
        using var setup = new AlertsSetup($"""
            channels:
              critical_only: {"{"} type: webhook, url: "{_receiver.Url}/critical" {"}"}
              sales_errors: {"{"} type: webhook, url: "{_receiver.Url}/sales" {"}"}
              marketing: {"{"} type: webhook, url: "{_receiver.Url}/marketing" {"}"}
              everything: {"{"} type: webhook, url: "{_receiver.Url}/all" {"}"}
            routes:
              - min_severity: critical
                channels: [critical_only]
              - pipelines: ["sales_*"]
                min_severity: error
                channels: [sales_errors]
              - pipelines: ["marketing_*"]
                channels: [marketing]
              - channels: [everything]
            """);
        using var router = setup.CreateRouter();
        var run = setup.Events.NewRun();
        await setup.Events.Check(run, March1, "orders", "row_count", "fail", severity: "warn");
        await setup.Events.Task(run, March1, "load", "failed", "disk full");
        await router.FlushAsync(CancellationToken.None);

        Assert.Empty(_receiver.To("/critical"));
        Assert.Empty(_receiver.To("/marketing"));
        Assert.Equal(["task_failed"], _receiver.To("/sales").Select(r => r.Json["kind"]!.ToString()));
        Assert.Equal(["check_failed", "task_failed"], _receiver.To("/all").Select(r => r.Json["kind"]!.ToString()).Order());
    }

    [Fact]
    public async Task Email_is_sent_through_smtp_to_every_recipient_with_the_incident_in_subject_and_body()
    {
        using var smtp = SmtpConfiguration.Configure().WithAddress(System.Net.IPAddress.Loopback).WithRandomPort().Build();
        using var setup = new AlertsSetup($"""
            channels:
              mail:
                type: email
                host: 127.0.0.1
                port: {smtp.Configuration.Port}
                tls: none
                from: Sluice <sluice@example.com>
                to: [data@example.com, oncall@example.com]
            routes:
              - channels: [mail]
            """);

        await FailThenRecoverAsync(setup);

        Assert.Equal(2, smtp.ReceivedEmailCount);
        // The server's store does not keep arrival order.
        var alert = Assert.Single(smtp.ReceivedEmail, m => m.Subject.StartsWith("[Sluice ERROR]", StringComparison.Ordinal));
        Assert.Equal("[Sluice ERROR] sales_etl: task 'extract_orders' failed for 2 intervals from 2024-03-01 to 2024-03-02", alert.Subject);
        Assert.Equal(["data@example.com", "oncall@example.com"], alert.ToAddresses.Select(a => a.Address));
        var body = alert.MessageParts[0].BodyData;
        Assert.Contains("column 'amount' is missing; present: id, total", body);
        Assert.Contains("Intervals (2): 2024-03-01 to 2024-03-02", body);
        Assert.StartsWith("sales_etl/task_failed/extract_orders/", alert.Headers["X-Sluice-Incident"]);
        Assert.Single(smtp.ReceivedEmail, m => m.Subject.StartsWith("[Sluice RESOLVED]", StringComparison.Ordinal));
        Assert.Equal(2, setup.Log.OfType(EventTypes.AlertSent).Count + setup.Log.OfType(EventTypes.AlertRecovered).Count);
    }

    [Fact]
    public async Task An_smtp_server_that_is_not_there_is_retried_and_reported()
    {
        using var smtp = SmtpConfiguration.Configure().WithAddress(System.Net.IPAddress.Loopback).WithRandomPort().Build();
        var port = smtp.Configuration.Port;
        smtp.Stop();
        using var setup = new AlertsSetup($"""
            channels:
              mail: {"{"} type: email, host: 127.0.0.1, port: {port}, tls: none, from: sluice@example.com, to: data@example.com {"}"}
            routes:
              - channels: [mail]
            delivery: {"{"} timeout: 2s, attempts: 3, retry_delay: 1s, max_total: 10s {"}"}
            """);
        using var router = setup.CreateRouter();
        await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");

        var (result, took) = await setup.DriveAsync(() => router.FlushAsync(CancellationToken.None), TimeSpan.FromMilliseconds(250), TimeSpan.FromSeconds(10));

        Assert.Equal(1, result.Failed);
        Assert.InRange(took, TimeSpan.FromSeconds(3), TimeSpan.FromSeconds(10));
        Assert.Equal(3L, Assert.Single(setup.Log.OfType(EventTypes.AlertFailed)).Number("attempt"));
        Assert.Contains("to channel 'mail' after 3 attempt(s)", Assert.Single(setup.Reported));
    }

    [Fact]
    public async Task An_smtp_server_without_tls_fails_the_ssl_channel_as_a_delivery_failure()
    {
        using var smtp = SmtpConfiguration.Configure().WithAddress(System.Net.IPAddress.Loopback).WithRandomPort().Build();
        using var setup = new AlertsSetup($"""
            channels:
              mail: {"{"} type: email, host: 127.0.0.1, port: {smtp.Configuration.Port}, tls: ssl, from: sluice@example.com, to: data@example.com {"}"}
            routes:
              - channels: [mail]
            delivery: {"{"} timeout: 2s, attempts: 2, retry_delay: 100ms, max_total: 5s {"}"}
            """);
        using var router = setup.CreateRouter();
        await setup.Events.FailingDay(March1, "extract_orders", "partner API answered 503");

        var (result, _) = await setup.DriveAsync(() => router.FlushAsync(CancellationToken.None), TimeSpan.FromMilliseconds(100), TimeSpan.FromSeconds(5));

        Assert.Equal(1, result.Failed);
        Assert.Equal(0, smtp.ReceivedEmailCount);
        Assert.Contains("to channel 'mail' after", Assert.Single(setup.Reported));
        Assert.Single(setup.Log.OfType(EventTypes.AlertFailed));
    }

    [Fact]
    public async Task Slack_text_escapes_the_characters_slack_reads_as_markup()
    {
        using var setup = new AlertsSetup($"""
            channels:
              team: {"{"} type: slack, url: "{_receiver.Url}/slack" {"}"}
            routes:
              - channels: [team]
            """);
        using var router = setup.CreateRouter();
        await setup.Events.FailingDay(March1, "extract_orders", "expected <amount> & <currency>");

        await router.FlushAsync(CancellationToken.None);

        Assert.Contains("expected &lt;amount&gt; &amp; &lt;currency&gt;", Assert.Single(_receiver.To("/slack")).Json["text"]!.ToString());
    }

    [Fact]
    public async Task Email_logs_in_with_the_username_and_secret_password_and_keeps_the_password_out_of_the_log()
    {
        using var smtp = SmtpConfiguration.Configure().WithAddress(System.Net.IPAddress.Loopback).WithRandomPort().Build();
        using var setup = new AlertsSetup(
            $"""
            channels:
              mail:
                type: email
                host: 127.0.0.1
                port: {smtp.Configuration.Port}
                tls: none
                from: sluice@example.com
                to: data@example.com
                username: ${"{"}SMTP_USER{"}"}
                password: ${"{"}SMTP_PASSWORD{"}"}
            routes:
              - channels: [mail]
            """,
            new Dictionary<string, string> { ["SMTP_USER"] = "alerts-user", ["SMTP_PASSWORD"] = "smtp-S3cret-pw" });
        using var router = setup.CreateRouter();
        await setup.Events.FailingDay(March1, "extract_orders", "login as alerts-user with smtp-S3cret-pw refused");

        var result = await router.FlushAsync(CancellationToken.None);

        Assert.Equal(1, result.Sent);
        var body = Assert.Single(smtp.ReceivedEmail).MessageParts[0].BodyData;
        // A user name is not secret (templating.md: only secret-looking names and secrets.env entries are masked).
        Assert.Contains("login as alerts-user with *** refused", body);
        var sent = Assert.Single(setup.Log.OfType(EventTypes.AlertSent)).Payload.ToJsonString();
        Assert.DoesNotContain("smtp-S3cret-pw", sent);
        Assert.Contains("login as alerts-user with *** refused", sent);
    }
}
