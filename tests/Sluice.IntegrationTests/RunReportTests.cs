using System.Text.Json.Nodes;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>
/// Each run writes a JSON report under the state folder (and where `--report` says): interval, state,
/// timings, each task's state, attempts and rows, errors masked, and the alerts its failure sent.
/// </summary>
public sealed class RunReportTests : IDisposable
{
    private readonly TestProject _project = new();
    private readonly WebhookReceiver _receiver = new();

    public void Dispose()
    {
        _receiver.Dispose();
        _project.Dispose();
    }

    [Fact]
    public async Task A_failed_run_reports_each_task_its_masked_error_and_the_alert_it_sent()
    {
        _project.Write("ok.csv", "id,name\n1,a\n2,b\n3,c\n");
        _project.Write("leaky.yaml", """
            name: leaky
            tasks:
              good: { source: files, output: fine, with: { path: ok.csv } }
              extract: { source: files, output: raw, with: { path: "in/${API_TOKEN}/{{ ds }}.csv" } }
              load: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: t, mode: replace } }
            """);
        _project.Write("alerts.yaml", $"""
            channels:
              hook:
                type: webhook
                url: {_receiver.Url}
            routes:
              - channels: [hook]
            """);
        var environment = new Dictionary<string, string> { ["API_TOKEN"] = "tok-5e3a9c71" };

        var run = await CliProcess.RunAsync(_project.Root, environment, "run", "leaky.yaml", "--date", "2024-03-01", "--report", "out/report.json");

        Assert.Equal(1, run.ExitCode);
        var text = File.ReadAllText(_project.PathOf("out/report.json"));
        Assert.DoesNotContain("tok-5e3a9c71", text, StringComparison.Ordinal);
        Assert.Equal(text, File.ReadAllText(Path.Combine(_project.StateDirectory, "reports", "leaky", "2024-03-01", "run-1.json")));
        var report = JsonNode.Parse(text)!.AsObject();
        Assert.Equal("sluice.run-report/1", (string?)report["schema"]);
        Assert.Equal(1, (long?)report["run_id"]);
        Assert.Equal("leaky", (string?)report["pipeline"]);
        Assert.Equal("2024-03-01", (string?)report["logical_date"]);
        Assert.Equal("2024-03-01T00:00:00.0000000Z", (string?)report["interval"]!["start"]);
        Assert.Equal("2024-03-02T00:00:00.0000000Z", (string?)report["interval"]!["end"]);
        Assert.Equal("failed", (string?)report["state"]);
        Assert.True((double?)report["duration_seconds"] >= 0);
        Assert.Contains("in/***/2024-03-01.csv", (string?)report["error"], StringComparison.Ordinal);

        var tasks = report["tasks"]!.AsArray().ToDictionary(t => (string)t!["id"]!, t => t!.AsObject());
        Assert.Equal(["extract", "good", "load"], tasks.Keys.Order());
        Assert.Equal("success", (string?)tasks["good"]["state"]);
        Assert.Equal(3, (long?)tasks["good"]["rows_written"]);
        Assert.Equal("fine", (string?)tasks["good"]["datasets"]![0]!["dataset"]);
        Assert.Equal("failed", (string?)tasks["extract"]["state"]);
        Assert.Equal(1, (long?)tasks["extract"]["attempts"]);
        Assert.Contains("in/***/2024-03-01.csv", (string?)tasks["extract"]["error"], StringComparison.Ordinal);
        Assert.True((double?)tasks["extract"]["duration_seconds"] >= 0);
        Assert.Equal("upstream_failed", (string?)tasks["load"]["state"]);
        Assert.Equal(0, (long?)tasks["load"]["attempts"]);

        var error = Assert.Single(report["errors"]!.AsArray())!;
        Assert.Equal("extract", (string?)error["task"]);
        Assert.Equal(1, (long?)error["attempt"]);
        Assert.Contains("***", (string?)error["error"], StringComparison.Ordinal);

        // The alert went out after the run ended; the command rewrote the report to include it.
        var alert = Assert.Single(report["alerts"]!.AsArray())!;
        Assert.Equal("hook", (string?)alert["channel"]);
        Assert.Equal("sent", (string?)alert["status"]);
        Assert.Equal("triggered", (string?)alert["state"]);
        Assert.Single(_receiver.Bodies);
    }

    [Fact]
    public async Task Every_run_leaves_a_report_in_the_state_folder_without_being_asked()
    {
        _project.Write("ok.csv", "id\n1\n2\n");
        _project.Write("small.yaml", """
            name: small
            tasks:
              extract: { source: files, output: raw, with: { path: ok.csv } }
            """);

        var first = await _project.RunAsync("small.yaml", "2024-03-01");
        var second = await _project.RunAsync("small.yaml", "2024-03-02");

        Assert.True(first.Succeeded, first.Run.Error);
        foreach (var (result, date) in new[] { (first, "2024-03-01"), (second, "2024-03-02") })
        {
            var path = Path.Combine(_project.StateDirectory, "reports", "small", date, $"run-{result.Run.Id}.json");
            Assert.Equal(path, result.ReportPath);
            var report = JsonNode.Parse(File.ReadAllText(path))!;
            Assert.Equal("success", (string?)report["state"]);
            Assert.Equal(2, (long?)report["rows"]!["written"]);
            Assert.Empty(report["errors"]!.AsArray());
            Assert.Empty(report["alerts"]!.AsArray());
        }
    }
}
