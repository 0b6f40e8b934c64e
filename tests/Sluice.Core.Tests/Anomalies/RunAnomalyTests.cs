using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using Sluice.Anomalies;
using Sluice.Connectors;
using Sluice.Core.Tests.Support;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Model;
using Sluice.State;

namespace Sluice.Core.Tests.Anomalies;

/// <summary>
/// The runner records each dataset's rows as a metric and, at the end of a run, compares them with the
/// history of earlier successful runs: an anomaly event for a value out of range, nothing otherwise.
/// </summary>
public sealed class RunAnomalyTests : IDisposable
{
    // 2024-03-02 is a Saturday.
    private static readonly DateOnly Saturday = new(2024, 3, 2);

    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("sluice-anomaly-tests-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 3, 3, 2, 0, 0, TimeSpan.Zero));
    private readonly InMemoryMetadataStore _store = new();
    private readonly InMemoryEventLog _events = new();
    private readonly ScriptedSource _source = new();

    public void Dispose() => _state.Delete(recursive: true);

    private const string Yaml = """
        name: shop
        tasks:
          extract: { source: scripted, output: orders }
        """;

    private static long Usual(DateOnly day) => day.DayOfWeek switch
    {
        DayOfWeek.Saturday => 300 + (day.Day % 5),
        DayOfWeek.Sunday => 20 + (day.Day % 3),
        _ => 100 + (day.Day % 7),
    };

    private async Task<RunResult> RunAsync(DateOnly day, long rows, string yaml = Yaml)
    {
        _source.Rows[day] = rows;
        var runner = new PipelineRunner(new ConnectorCatalog().Add(_source), _store, _state.FullName, timeProvider: _clock, eventLog: _events);
        return await runner.RunAsync(Pipelines.Load(yaml), new RunRequest { LogicalDate = day });
    }

    private async Task RunDaysBeforeAsync(DateOnly day, int days, string yaml = Yaml)
    {
        for (var d = day.AddDays(-days); d < day; d = d.AddDays(1))
        {
            await RunAsync(d, Usual(d), yaml);
        }
    }

    private List<RunEvent> Anomalies() => _events.Events.Where(e => e.Type == EventTypes.Anomaly).ToList();

    [Fact]
    public async Task A_Saturday_at_weekday_level_after_five_weeks_records_one_anomaly_event_with_its_range()
    {
        await RunDaysBeforeAsync(Saturday, 35);
        Assert.Empty(Anomalies());

        var result = await RunAsync(Saturday, 100);

        var anomaly = Assert.Single(Anomalies());
        Assert.Equal(result.Run.Id, anomaly.RunId);
        Assert.Equal("extract", anomaly.TaskId);
        Assert.Equal(("rows", "orders", "100", "same_weekday", "5", "2024-03-02", "warning"),
            (anomaly.Text("metric"), anomaly.Text("dataset"), anomaly.Text("value"), anomaly.Text("method"), anomaly.Text("history"), anomaly.Text("interval_start"), anomaly.Text("severity")));
        Assert.InRange(double.Parse(anomaly.Text("low")!, System.Globalization.CultureInfo.InvariantCulture), 200, 302);
        Assert.InRange(double.Parse(anomaly.Text("high")!, System.Globalization.CultureInfo.InvariantCulture), 302, 400);
        // Before run_finished, so it belongs to the run when the alert router reads it.
        Assert.True(anomaly.Id < _events.Events.Single(e => e.RunId == result.Run.Id && e.Type == EventTypes.RunFinished).Id);
        Assert.Contains(_events.Events, e => e.RunId == result.Run.Id && e.Type == EventTypes.Log && e.Text("text")!.StartsWith("anomaly: metric 'orders.rows' is 100; expected", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_busy_Saturday_records_no_anomaly_and_every_run_records_its_rows_metric()
    {
        await RunDaysBeforeAsync(Saturday, 35);

        var result = await RunAsync(Saturday, 305);

        Assert.Empty(Anomalies());
        var metric = Assert.Single(_events.Events, e => e.RunId == result.Run.Id && e.Type == EventTypes.MetricObserved);
        Assert.Equal(new MetricObservation("orders", "rows", Saturday, 305), MetricObservation.From(metric));
        Assert.Equal("shop", metric.Text("pipeline"));
    }

    [Fact]
    public async Task Before_the_minimum_history_even_an_empty_day_is_not_an_anomaly_and_anomalies_false_turns_it_off()
    {
        await RunDaysBeforeAsync(Saturday, 10);
        await RunAsync(Saturday, 0);
        Assert.Empty(Anomalies());

        await RunDaysBeforeAsync(Saturday.AddDays(40), 39, Yaml + "\nanomalies: false");
        await RunAsync(Saturday.AddDays(40), 0, Yaml + "\nanomalies: false");
        Assert.Empty(Anomalies());
    }

    [Fact]
    public async Task The_history_holds_the_latest_successful_run_of_each_interval_only()
    {
        var log = new InMemoryEventLog();
        await AppendRunAsync(log, 1, Saturday, 300, "success");
        await AppendRunAsync(log, 2, Saturday, 0, "failed");
        await AppendRunAsync(log, 3, Saturday.AddDays(1), 20, "success");
        await AppendRunAsync(log, 4, Saturday, 310, "success");
        await AppendRunAsync(log, 5, Saturday.AddDays(2), 999, "success", pipeline: "other");
        await AppendRunAsync(log, 6, Saturday.AddDays(2), 100, null);

        var history = await MetricHistory.ReadAsync(log, "shop", exceptRun: 6, CancellationToken.None);

        Assert.Equal([new MetricPoint(Saturday, 310), new MetricPoint(Saturday.AddDays(1), 20)], Assert.Single(history).Value);
        Assert.Equal("orders.rows", history.Keys.Single());
    }

    private static async Task AppendRunAsync(InMemoryEventLog log, long run, DateOnly day, double rows, string? state, string pipeline = "shop")
    {
        var at = DateTimeOffset.UnixEpoch;
        await log.AppendAsync(new RunEvent { Timestamp = at, Type = EventTypes.MetricObserved, Pipeline = pipeline, RunId = run, LogicalDate = day, Payload = new MetricObservation("orders", "rows", day, rows).ToPayload(pipeline) }, CancellationToken.None);
        if (state is not null)
        {
            await log.AppendAsync(new RunEvent { Timestamp = at, Type = EventTypes.RunFinished, Pipeline = pipeline, RunId = run, LogicalDate = day, Payload = new JsonObject { ["state"] = state } }, CancellationToken.None);
        }
    }

    /// <summary>A source that reports the rows it is told to for each logical date, writing nothing.</summary>
    private sealed class ScriptedSource : IConnector
    {
        public Dictionary<DateOnly, long> Rows { get; } = [];

        public string Name => "scripted";

        public TaskKind Kind => TaskKind.Source;

        public string Description => "Reports a scripted row count per day.";

        public IReadOnlyList<OptionSpec> Options => [];

        public Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
            Task.FromResult(new TaskOutcome { RowsWritten = new Dictionary<string, long> { [context.Task.Outputs[0]] = Rows[context.Interval.LogicalDate] } });
    }
}
