using System.Globalization;
using System.Text.Json.Nodes;
using DuckDB.NET.Data;
using MimeKit;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests.Weekend;

/// <summary>
/// The incident Sluice exists for, replayed: a partner's orders API changes on a Saturday. Monday to
/// Friday load; the weekend must not publish zero or NULL revenue, one alert per incident must reach
/// a webhook and a real SMTP server (the test command's aiosmtpd), and once the pipeline is adapted a
/// backfill of the missed days restores their exact totals and sends the recovery.
/// </summary>
public sealed class WeekendIncidentTests : IDisposable
{
    private static readonly DateOnly Monday = new(2024, 2, 26);
    private static readonly DateOnly Saturday = new(2024, 3, 2);
    private static readonly DateOnly Sunday = new(2024, 3, 3);

    private readonly TestProject _project = new();
    private readonly WebhookReceiver _receiver = new();
    private readonly string _mailbox = $"weekend-{Guid.NewGuid():N}@example.com";

    public void Dispose()
    {
        _receiver.Dispose();
        _project.Dispose();
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task A_renamed_and_nested_amount_on_saturday_publishes_no_weekend_revenue_alerts_once_and_a_backfill_restores_it(bool declared)
    {
        using var api = new OrdersApi(Saturday, WeekendChange.RenamedAndNested);
        WriteAlerts();
        WritePipeline(api, declared, amountColumn: "amount");

        var week = await BackfillAsync(Monday, Sunday);

        Assert.Equal(1, week.ExitCode);
        Assert.Contains("2024-03-02, 2024-03-03", week.All, StringComparison.Ordinal);
        var loaded = Revenue();
        Assert.Equal(Days(Monday, Saturday.AddDays(-1)).ToDictionary(d => d, OrdersApi.Revenue), loaded);

        Assert.True(_receiver.Bodies.Count == 1, string.Join("\n", _receiver.Bodies));
        var alert = JsonNode.Parse(_receiver.Bodies[0])!;
        var text = alert.ToJsonString();
        Assert.Equal("triggered", alert["state"]!.ToString());
        Assert.Equal("weekend_revenue", alert["pipeline"]!.ToString());
        Assert.Equal(["2024-03-02", "2024-03-03"], alert["intervals"]!.AsArray().Select(d => d!.ToString()));
        Assert.Contains("amount", text, StringComparison.Ordinal);
        Assert.Contains("total_amount", text, StringComparison.Ordinal);
        var mail = Assert.Single(await MailAsync(1));
        Assert.Contains("weekend_revenue", mail.Subject, StringComparison.Ordinal);
        Assert.Contains("2024-03-02", mail.TextBody, StringComparison.Ordinal);
        Assert.Contains("total_amount", mail.TextBody, StringComparison.Ordinal);

        // The fix: the pipeline reads the new shape, and the failed days are backfilled.
        WritePipeline(api, declared, amountColumn: "total_amount");
        if (!declared)
        {
            var accept = await CliProcess.RunAsync(_project.Root, null, "contract", "accept", "pipeline.yaml", "raw_orders");
            Assert.True(accept.ExitCode == 0, accept.All);
        }

        var fix = await CliProcess.RunAsync(_project.Root, null, "backfill", "pipeline.yaml", "--from", "2024-03-02", "--to", "2024-03-03", "--rerun-failed");

        Assert.True(fix.ExitCode == 0, fix.All);
        Assert.Equal(Days(Monday, Sunday).ToDictionary(d => d, OrdersApi.Revenue), Revenue());
        var checks = await CliProcess.RunAsync(_project.Root, null, "checks", "pipeline.yaml");
        Assert.True(checks.ExitCode == 0, checks.All);
        Assert.DoesNotContain("fail", checks.Output, StringComparison.OrdinalIgnoreCase);
        Assert.Equal(2, _receiver.Bodies.Count);
        Assert.Equal("resolved", JsonNode.Parse(_receiver.Bodies[1])!["state"]!.ToString());
        Assert.Equal(2, (await MailAsync(2)).Count);
    }

    [Fact]
    public async Task An_api_that_returns_no_orders_from_saturday_publishes_no_weekend_revenue_and_alerts_once_per_incident()
    {
        using var api = new OrdersApi(Saturday, WeekendChange.NoOrders);
        WriteAlerts();
        WritePipeline(api, declared: true, amountColumn: "amount");

        var week = await BackfillAsync(Monday, Sunday);

        Assert.Equal(1, week.ExitCode);
        Assert.Equal(Days(Monday, Saturday.AddDays(-1)).ToDictionary(d => d, OrdersApi.Revenue), Revenue());
        Assert.NotEmpty(_receiver.Bodies);
        var alerts = _receiver.Bodies.Select(b => JsonNode.Parse(b)!).ToList();
        Assert.Equal(alerts.Count, alerts.Select(a => a["incident_key"]!.ToString()).Distinct().Count());
        Assert.All(alerts, a => Assert.Equal(["2024-03-02", "2024-03-03"], a["intervals"]!.AsArray().Select(d => d!.ToString())));
        Assert.Equal(alerts.Count, (await MailAsync(alerts.Count)).Count);
    }

    [Theory]
    [InlineData(WeekendChange.ZeroAmounts, true)]
    [InlineData(WeekendChange.None, false)]
    public async Task After_four_weeks_an_all_zero_weekend_raises_a_revenue_anomaly_and_a_normal_weekend_does_not(WeekendChange change, bool alerted)
    {
        using var api = new OrdersApi(Saturday, change);
        WriteAlerts();
        WritePipeline(api, declared: true, amountColumn: "amount", checkRevenue: false);

        var month = await BackfillAsync(Monday.AddDays(-28), Sunday);

        Assert.True(month.ExitCode == 0, month.All);
        var anomalies = _receiver.Bodies.Select(b => JsonNode.Parse(b)!).Where(a => a["kind"]!.ToString() == "anomaly").ToList();
        if (!alerted)
        {
            Assert.True(anomalies.Count == 0, string.Join("\n", anomalies.Select(a => a.ToJsonString())));
            return;
        }

        Assert.True(anomalies.Count == 1, string.Join("\n", anomalies.Select(a => a.ToJsonString())));
        var revenue = Assert.Single(anomalies, a => a["subject"]!.ToString() == "raw_orders.revenue");
        Assert.Equal(["2024-03-02", "2024-03-03"], revenue["intervals"]!.AsArray().Select(d => d!.ToString()));
        Assert.Contains("is 0; expected", revenue["details"]!.ToString(), StringComparison.Ordinal);
    }

    private void WriteAlerts()
    {
        var port = Environment.GetEnvironmentVariable("SLUICE_TEST_SMTP_PORT")
            ?? throw new InvalidOperationException("SLUICE_TEST_SMTP_PORT is not set: run the tests through ./test.sh, which starts the SMTP catcher.");
        _project.Write("alerts.yaml", $"""
            channels:
              hook:
                type: webhook
                url: {_receiver.Url}
              mail:
                type: email
                host: 127.0.0.1
                port: {port}
                tls: none
                from: sluice@example.com
                to: {_mailbox}
            routes:
              - channels: [hook, mail]
            """);
    }

    private void WritePipeline(OrdersApi api, bool declared, string amountColumn, bool checkRevenue = true)
    {
        var lines = new List<string> { "name: weekend_revenue", "datasets:", "  raw_orders:" };
        if (declared)
        {
            lines.AddRange(["    columns:", "      order_id: BIGINT", $"      {amountColumn}: {{ type: \"DECIMAL(12,2)\", nullable: false }}", "      status: VARCHAR"]);
        }

        lines.AddRange(["    checks:", "      - row_count: { min: 1 }", "    metrics:", $"      revenue: sum({amountColumn})"]);
        if (checkRevenue)
        {
            lines.AddRange(["  daily_revenue:", "    checks:", "      - not_null: [revenue]", "      - range: { column: revenue, min: 0.01 }"]);
        }

        lines.AddRange([
            "tasks:",
            "  extract_orders:",
            "    source: http",
            "    output: raw_orders",
            "    with:",
            $"      url: {api.Url}",
            "      query: { day: \"{{ ds }}\" }",
            "      records_path: orders",
            "  summarise:",
            "    transform: sql",
            "    input: raw_orders",
            "    output: daily_revenue",
            "    with:",
            $"      sql: SELECT CAST({{{{ ds }}}} AS DATE) AS day, count(*) AS orders, sum({amountColumn}) AS revenue FROM raw_orders",
            "  load:",
            "    sink: duckdb",
            "    input: daily_revenue",
            "    with: { database: warehouse.duckdb, table: daily_revenue, mode: delete_insert, partition_column: day }",
        ]);
        _project.Write("pipeline.yaml", string.Join('\n', lines) + "\n");
    }

    private Task<CliProcess.Result> BackfillAsync(DateOnly from, DateOnly to) =>
        CliProcess.RunAsync(_project.Root, null, "backfill", "pipeline.yaml",
            "--from", from.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--to", to.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture));

    private static IEnumerable<DateOnly> Days(DateOnly from, DateOnly to)
    {
        for (var day = from; day <= to; day = day.AddDays(1))
        {
            yield return day;
        }
    }

    /// <summary>The published revenue per day; a day with NULL or zero revenue would show as such.</summary>
    private Dictionary<DateOnly, decimal> Revenue()
    {
        using var connection = new DuckDBConnection($"Data Source={Path.Combine(_project.Root, "warehouse.duckdb")};ACCESS_MODE=READ_ONLY");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT day, coalesce(revenue, 0) FROM daily_revenue ORDER BY day";
        using var reader = command.ExecuteReader();
        var result = new Dictionary<DateOnly, decimal>();
        while (reader.Read())
        {
            result[DateOnly.FromDateTime(reader.GetDateTime(0))] = reader.GetDecimal(1);
        }

        return result;
    }

    /// <summary>The messages the SMTP catcher received for this test's address, waiting briefly for <paramref name="expected"/>.</summary>
    private async Task<List<MimeMessage>> MailAsync(int expected)
    {
        var folder = Path.Combine(Environment.GetEnvironmentVariable("SLUICE_TEST_SMTP_MAILDIR") ?? throw new InvalidOperationException("SLUICE_TEST_SMTP_MAILDIR is not set: run the tests through ./test.sh."), "new");
        var mine = new List<MimeMessage>();
        for (var tries = 0; tries < 50; tries++)
        {
            mine = Directory.Exists(folder)
                ? Directory.GetFiles(folder).Select(f => MimeMessage.Load(f)).Where(m => m.To.Mailboxes.Any(a => a.Address == _mailbox)).OrderBy(m => m.Date).ToList()
                : [];
            if (mine.Count >= expected)
            {
                break;
            }

            await Task.Delay(100);
        }

        return mine;
    }
}
