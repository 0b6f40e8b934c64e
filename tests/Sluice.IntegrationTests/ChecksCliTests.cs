using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>
/// Through the real CLI: a failing check is alerted like any failure, `sluice checks` shows each check's
/// latest result and trend, and `sluice validate` refuses a check SQL that does not compile.
/// </summary>
public sealed class ChecksCliTests : IDisposable
{
    private readonly TestProject _project = new();
    private readonly WebhookReceiver _receiver = new();

    public void Dispose()
    {
        _receiver.Dispose();
        _project.Dispose();
    }

    private void WritePipeline(string sql = "SELECT * FROM orders WHERE amount < 0")
    {
        _project.Write("pipeline.yaml", $$$"""
            name: shop
            datasets:
              orders:
                columns: { id: BIGINT, amount: DOUBLE }
                checks:
                  - not_null: [id]
                  - range: { column: amount, min: 0 }
                  - sql: "{{{sql}}}"
                    name: no_refunds
                    severity: warn
            tasks:
              extract: { source: files, output: orders, with: { path: "in/{{ ds }}.csv" } }
            """);
    }

    [Fact]
    public async Task A_failing_check_is_alerted_and_sluice_checks_shows_the_latest_result_and_trend()
    {
        WritePipeline();
        _project.Write("alerts.yaml", $"""
            channels:
              hook:
                type: webhook
                url: {_receiver.Url}
            routes:
              - channels: [hook]
            """);
        _project.Write("in/2024-03-01.csv", "id,amount\n1,10\n2,20\n");
        _project.Write("in/2024-03-02.csv", "id,amount\n1,10\n2,-20\n");

        var good = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-01");
        var bad = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-02");
        var checks = await CliProcess.RunAsync(_project.Root, null, "checks", "pipeline.yaml");
        var firstDay = await CliProcess.RunAsync(_project.Root, null, "checks", "pipeline.yaml", "--date", "2024-03-01");

        Assert.True(good.ExitCode == 0, good.All);
        Assert.Equal(1, bad.ExitCode);
        var alert = Assert.Single(_receiver.Bodies, b => b.Contains("\"incident_key\":\"shop/check_failed/orders.range(amount)\"", StringComparison.Ordinal));
        Assert.Contains("\"severity\":\"error\"", alert, StringComparison.Ordinal);
        Assert.Contains("1 row(s) have a amount outside [0, ", alert, StringComparison.Ordinal);
        // The warn check is alerted too, as a warning.
        Assert.Contains(_receiver.Bodies, b => b.Contains("check_failed/orders.no_refunds", StringComparison.Ordinal) && b.Contains("\"severity\":\"warning\"", StringComparison.Ordinal));

        Assert.True(checks.ExitCode == 0, checks.All);
        var lines = checks.Output.Split('\n');
        Assert.Matches(@"not_null\(id\)\s*│\s*error\s*│\s*pass\s*│\s*2024-03-02.*│\s*✓✓", Assert.Single(lines, l => l.Contains("not_null(id)", StringComparison.Ordinal)));
        Assert.Matches(@"range\(amount\)\s*│\s*error\s*│\s*fail\s*│\s*2024-03-02.*outside \[0, ∞\].*│\s*✓✗", Assert.Single(lines, l => l.Contains("range(amount)", StringComparison.Ordinal)));
        Assert.Matches(@"no_refunds\s*│\s*warn\s*│\s*fail\s*│\s*2024-03-02.*│\s*✓✗", Assert.Single(lines, l => l.Contains("no_refunds", StringComparison.Ordinal)));
        Assert.Matches(@"range\(amount\)\s*│\s*error\s*│\s*pass\s*│\s*2024-03-01.*│\s*✓\s", Assert.Single(firstDay.Output.Split('\n'), l => l.Contains("range(amount)", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Sluice_validate_refuses_a_check_whose_sql_does_not_compile()
    {
        WritePipeline("SELECT * FROM orders WHERE amout < 0");

        var validate = await CliProcess.RunAsync(_project.Root, null, "validate", "pipeline.yaml");

        Assert.Equal(2, validate.ExitCode);
        Assert.Contains("pipeline.yaml:8:", validate.All, StringComparison.Ordinal);
        Assert.Contains("check 'no_refunds' on dataset 'orders': its SQL does not compile: Binder Error", validate.All, StringComparison.Ordinal);
    }
}
