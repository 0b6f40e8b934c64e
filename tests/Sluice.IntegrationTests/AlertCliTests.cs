using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>The CLI sends the alerts its runs call for, once per incident, and lists them.</summary>
public sealed class AlertCliTests : IDisposable
{
    private readonly TestProject _project = new();
    private readonly WebhookReceiver _receiver = new();

    public void Dispose()
    {
        _receiver.Dispose();
        _project.Dispose();
    }

    [Fact]
    public async Task A_backfill_failing_the_same_way_on_three_days_sends_one_alert_naming_the_days_and_sluice_alerts_lists_it()
    {
        _project.Write("pipeline.yaml", """
            name: orders
            tasks:
              extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
            """);
        _project.Write("alerts.yaml", $"""
            channels:
              hook:
                type: webhook
                url: {_receiver.Url}
            routes:
              - channels: [hook]
            """);

        var validate = await CliProcess.RunAsync(_project.Root, null, "validate", "pipeline.yaml");
        var backfill = await CliProcess.RunAsync(_project.Root, null, "backfill", "pipeline.yaml", "--from", "2024-03-01", "--to", "2024-03-03");
        var alerts = await CliProcess.RunAsync(_project.Root, null, "alerts");

        Assert.True(validate.ExitCode == 0, validate.All);
        Assert.Contains("alerts in", validate.Output, StringComparison.Ordinal);
        Assert.Equal(1, backfill.ExitCode);
        var body = Assert.Single(_receiver.Bodies);
        Assert.Contains("orders", body, StringComparison.Ordinal);
        foreach (var day in new[] { "2024-03-01", "2024-03-02", "2024-03-03" })
        {
            Assert.Contains(day, body, StringComparison.Ordinal);
        }

        Assert.Equal(0, alerts.ExitCode);
        Assert.Contains("hook", alerts.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_delivery_that_failed_is_shown_under_sluice_runs_not_only_in_sluice_alerts()
    {
        _project.Write("pipeline.yaml", """
            name: orders
            tasks:
              extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
            """);
        _project.Write("alerts.yaml", $"""
            channels:
              down:
                type: webhook
                url: http://127.0.0.1:{LoopbackPort.Free()}/nobody-listens
            routes:
              - channels: [down]
            delivery: {"{"} timeout: 1s, attempts: 2, retry_delay: 100ms, max_total: 3s {"}"}
            """);

        var run = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-01");
        var runs = await CliProcess.RunAsync(_project.Root, null, "runs");

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(0, runs.ExitCode);
        Assert.Contains("1 of the last 1 alert deliveries failed; latest: channel 'down'", runs.Output.ReplaceLineEndings(" "), StringComparison.Ordinal);
    }
}
