using System.Text.Json.Nodes;
using Sluice.Alerts.Tests.Infrastructure;
using Sluice.Events;

namespace Sluice.Alerts.Tests;

/// <summary>Each kind of event that means trouble opens an incident of its kind and severity; a routine one does not.</summary>
public sealed class IncidentKindTests : IAsyncLifetime
{
    private static readonly DateOnly Saturday = new(2024, 3, 2);
    private Receiver _receiver = null!;

    public async Task InitializeAsync() => _receiver = await Receiver.StartAsync();

    public async Task DisposeAsync() => await _receiver.DisposeAsync();

    [Theory]
    [InlineData(EventTypes.ContractDrift, """{"dataset":"raw_orders","summary":"removed: amount; added: total (probably renamed from amount)"}""", "contract_drift", "raw_orders", "error", "sales_etl: the contract of 'raw_orders' drifted for 2024-03-02")]
    [InlineData(EventTypes.Anomaly, """{"metric":"revenue","value":0,"low":18000,"high":26000,"history":8,"method":"weekday median"}""", "anomaly", "revenue", "warning", "sales_etl: metric 'revenue' is outside its usual range for 2024-03-02")]
    [InlineData(EventTypes.Anomaly, """{"metric":"rows","dataset":"orders","value":0,"low":250,"high":350,"history":8,"method":"same_weekday","severity":"error"}""", "anomaly", "orders.rows", "error", "sales_etl: metric 'orders.rows' is outside its usual range for 2024-03-02")]
    [InlineData(EventTypes.EmptyInterval, """{"dataset":"raw_orders","rows":0,"policy":"warn"}""", "empty_interval", "raw_orders", "warning", "sales_etl: 'raw_orders' got no rows for 2024-03-02")]
    [InlineData(EventTypes.EmptyInterval, """{"dataset":"raw_orders","rows":0,"policy":"fail"}""", "empty_interval", "raw_orders", "error", "sales_etl: 'raw_orders' got no rows for 2024-03-02")]
    [InlineData(EventTypes.SlaMissed, """{"kind":"deadline","deadline":"2024-03-03T06:00:00Z","late_by":"45m","severity":"critical"}""", "sla_missed", "deadline", "critical", "sales_etl: missed its SLA (deadline) for 2024-03-02")]
    public async Task An_event_opens_an_incident_of_its_kind_and_severity(string type, string payload, string kind, string subject, string severity, string summary)
    {
        using var setup = WebhookSetup();
        using var router = setup.CreateRouter();
        await setup.Log.AppendAsync(new RunEvent { Timestamp = setup.Clock.GetUtcNow(), Type = type, Pipeline = "sales_etl", RunId = 7, LogicalDate = Saturday, Payload = JsonNode.Parse(payload)!.AsObject() }, CancellationToken.None);

        await router.FlushAsync(CancellationToken.None);

        var alert = Assert.Single(_receiver.To("/hook")).Json;
        Assert.Equal((kind, subject, severity, summary), (alert["kind"]!.ToString(), alert["subject"]!.ToString(), alert["severity"]!.ToString(), alert["summary"]!.ToString()));
        Assert.Equal($"sales_etl/{kind}/{subject}", alert["incident_key"]!.ToString()[..$"sales_etl/{kind}/{subject}".Length]);
    }

    [Fact]
    public async Task Routine_events_open_no_incident()
    {
        using var setup = WebhookSetup();
        using var router = setup.CreateRouter();
        var run = setup.Events.NewRun();
        await setup.Events.Task(run, Saturday, "extract_orders", "up_for_retry", "timeout");
        await setup.Events.Task(run, Saturday, "extract_orders", "success");
        await setup.Events.Check(run, Saturday, "orders", "unique_id", "pass");
        await setup.Log.AppendAsync(new RunEvent { Timestamp = setup.Clock.GetUtcNow(), Type = EventTypes.EmptyInterval, Pipeline = "sales_etl", RunId = run, LogicalDate = Saturday, Payload = new JsonObject { ["dataset"] = "returns", ["rows"] = 0, ["policy"] = "ok" } }, CancellationToken.None);
        await setup.Events.RunFinished(run, Saturday, "success");
        var cancelled = setup.Events.NewRun();
        await setup.Events.RunFinished(cancelled, Saturday, "cancelled");

        var result = await router.FlushAsync(CancellationToken.None);

        Assert.Equal((0, 0, 0), (result.Sent, result.Recovered, result.Failed));
        Assert.Empty(_receiver.Requests);
        Assert.DoesNotContain(setup.Log.Events, e => e.Type.StartsWith("alert_", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_cdc_drift_that_stopped_the_stream_alerts_outside_any_run_and_one_the_mirror_absorbed_does_not()
    {
        using var setup = WebhookSetup();
        using var router = setup.CreateRouter();
        // As `sluice cdc run` writes them: a pipeline and task, no run and no logical date.
        RunEvent Drift(string severity, string summary) => new()
        {
            Timestamp = setup.Clock.GetUtcNow(),
            Type = EventTypes.ContractDrift,
            Pipeline = "shop_cdc",
            TaskId = "mirror",
            Payload = new JsonObject { ["dataset"] = "mirror.customers", ["source_table"] = "public.customers", ["summary"] = summary, ["policy"] = severity == "info" ? "evolve" : "fail", ["severity"] = severity },
        };
        await setup.Log.AppendAsync(Drift("info", "public.customers gained column(s) tier text in the source; added to mirror.customers (on_new_columns: evolve)."), CancellationToken.None);
        await router.FlushAsync(CancellationToken.None);
        Assert.Empty(_receiver.Requests);
        await setup.Log.AppendAsync(Drift("error", "public.customers gained column(s) tier in the source, and on_new_columns is 'fail'. Add them to mirror.customers by hand (or set on_new_columns: evolve) and run again."), CancellationToken.None);

        await router.FlushAsync(CancellationToken.None);

        var alert = Assert.Single(_receiver.To("/hook")).Json;
        Assert.Equal(("contract_drift", "mirror.customers", "error"), (alert["kind"]!.ToString(), alert["subject"]!.ToString(), alert["severity"]!.ToString()));
        Assert.Contains("Add them to mirror.customers by hand (or set on_new_columns: evolve)", alert.ToJsonString(), StringComparison.Ordinal);
    }

    /// <summary>Every incident routed to one webhook.</summary>
    private AlertsSetup WebhookSetup() => new($"""
        channels:
          ops: {"{"} type: webhook, url: "{_receiver.Url}/hook" {"}"}
        routes:
          - channels: [ops]
        """);
}
