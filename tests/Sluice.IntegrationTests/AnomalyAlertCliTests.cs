using System.Globalization;
using System.Text;
using System.Text.Json.Nodes;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>
/// End to end through the CLI: a shop whose Saturdays are busy (about 300 orders) and Sundays quiet
/// (about 20) against about 100 on weekdays. Five weeks of history, then a weekend: an empty weekend
/// or a Saturday at weekday level alerts once, a usual weekend does not.
/// </summary>
public sealed class AnomalyAlertCliTests : IDisposable
{
    private static readonly DateOnly First = new(2024, 1, 27);
    private static readonly DateOnly Saturday = new(2024, 3, 2);
    private static readonly DateOnly Sunday = new(2024, 3, 3);

    private readonly TestProject _project = new();
    private readonly WebhookReceiver _receiver = new();

    public void Dispose()
    {
        _receiver.Dispose();
        _project.Dispose();
    }

    private static int Usual(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => 290 + (day.DayNumber * 7 % 21),
        DayOfWeek.Sunday => 18 + (day.DayNumber % 5),
        _ => 95 + (day.DayNumber * 3 % 11),
    };

    private void WriteOrders(DateOnly day, int rows)
    {
        var csv = new StringBuilder("id,amount\n");
        for (var i = 1; i <= rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},{i % 40}.50\n");
        }

        _project.Write($"in/{day:yyyy-MM-dd}.csv", csv.ToString());
    }

    [Theory]
    [InlineData(0, 0, new[] { "2024-03-02", "2024-03-03" })]
    [InlineData(100, 20, new[] { "2024-03-02" })]
    [InlineData(300, 20, new string[0])]
    public async Task After_five_weeks_an_unusual_weekend_sends_one_anomaly_alert_and_a_usual_one_none(int saturday, int sunday, string[] alerted)
    {
        _project.Write("pipeline.yaml", """
            name: shop
            tasks:
              extract: { source: files, output: orders, on_empty: ok, with: { path: "in/{{ ds }}.csv" } }
            """);
        _project.Write("alerts.yaml", $"""
            channels:
              hook:
                type: webhook
                url: {_receiver.Url}
            routes:
              - channels: [hook]
            """);
        for (var day = First; day < Saturday; day = day.AddDays(1))
        {
            WriteOrders(day, Usual(day));
        }

        WriteOrders(Saturday, saturday);
        WriteOrders(Sunday, sunday);

        var backfill = await CliProcess.RunAsync(_project.Root, null, "backfill", "pipeline.yaml", "--from", First.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), "--to", "2024-03-03");

        Assert.True(backfill.ExitCode == 0, backfill.All);
        if (alerted.Length == 0)
        {
            Assert.Empty(_receiver.Bodies);
            Assert.DoesNotContain("anomaly:", backfill.All, StringComparison.Ordinal);
            return;
        }

        var alert = JsonNode.Parse(Assert.Single(_receiver.Bodies))!;
        Assert.Equal(("anomaly", "orders.rows", "warning", "shop/anomaly/orders.rows"),
            (alert["kind"]!.ToString(), alert["subject"]!.ToString(), alert["severity"]!.ToString(), alert["incident_key"]!.ToString()));
        Assert.Equal(alerted, alert["intervals"]!.AsArray().Select(d => d!.ToString()));
        Assert.Contains($"'orders.rows' is {saturday}; expected", alert["details"]!.ToString(), StringComparison.Ordinal);
        Assert.Contains("same_weekday", alert["details"]!.ToString(), StringComparison.Ordinal);
        var saturdayRun = await CliProcess.RunAsync(_project.Root, null, "runs", "--run", "36");
        Assert.Contains($"anomaly (warning): metric 'orders.rows' is {saturday}; expected", saturdayRun.Output, StringComparison.Ordinal);
    }
}
