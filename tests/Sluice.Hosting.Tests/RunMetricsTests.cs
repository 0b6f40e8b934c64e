using System.Text.Json.Nodes;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;
using Sluice.Connectors.All;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Observability;
using Sluice.Yaml;

namespace Sluice.Hosting.Tests;

/// <summary>
/// The "Sluice" meter in a host made with AddSluice: real runs over a real store feed its counters,
/// histograms and freshness gauge as their events are appended, and so do check and alert events
/// written through the host's event log.
/// </summary>
public sealed class RunMetricsTests : IAsyncLifetime
{
    // Two good rows; lines 3 and 4 are malformed and go to quarantine.
    private const string Csv = "id,name\n1,a\n2\n3,c,extra\n4,d\n";

    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("sluice-metrics-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 3, 2, 6, 0, 0, TimeSpan.Zero));
    private ServiceProvider _services = null!;
    private SluiceInstance _instance = null!;
    private SqliteMetadataStore _store = null!;
    private MeasurementRecorder _measurements = null!;

    public async Task InitializeAsync()
    {
        var services = new ServiceCollection();
        services.AddSingleton<TimeProvider>(_clock);
        services.AddSluice(b => b.AddBuiltInConnectors(), o => o.StateDirectory = Path.Combine(_root.FullName, ".sluice"));
        _services = services.BuildServiceProvider();
        _instance = _services.GetRequiredService<SluiceInstance>();
        _measurements = new MeasurementRecorder(_services.GetRequiredService<RunMetrics>().Meter);
        _store = await _instance.OpenStoreAsync(CancellationToken.None);
        File.WriteAllText(Path.Combine(_root.FullName, "in.csv"), Csv);
    }

    public async Task DisposeAsync()
    {
        _measurements.Dispose();
        await _store.DisposeAsync();
        await _services.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Delete(recursive: true);
    }

    private async Task<RunResult> RunAsync(string name, string path, bool outsideTheHost = false)
    {
        var pipeline = Pipeline(name, path);
        var runner = outsideTheHost
            ? new PipelineRunner(_services.GetRequiredService<Connectors.ConnectorCatalog>(), _store, _instance.StateDirectory, timeProvider: _clock)
            : _instance.CreateRunner(_store);
        return await runner.RunAsync(pipeline, new RunRequest { LogicalDate = new DateOnly(2024, 3, 1) });
    }

    private Model.PipelineDefinition Pipeline(string name, string path) =>
        PipelineYamlLoader.Load(
            $$"""
            name: {{name}}
            tasks:
              extract:
                source: files
                output: raw
                on_bad_rows: quarantine
                with: { path: {{path}}, columns: { id: INTEGER, name: VARCHAR } }
              load: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: t_{{name}}, mode: replace } }
            """,
            $"{name}.yaml",
            _root.FullName);

    [Fact]
    public async Task Runs_tasks_rows_and_durations_are_counted_as_the_runs_happen()
    {
        var good = await RunAsync("m_good", "in.csv");
        var broken = await RunAsync("m_broken", "missing.csv");

        Assert.True(good.Succeeded, good.Run.Error);
        Assert.False(broken.Succeeded);
        Assert.Equal([1.0], _measurements.Of(SluiceInstruments.Runs, "pipeline=m_good", "state=success"));
        Assert.Equal([1.0], _measurements.Of(SluiceInstruments.Runs, "pipeline=m_broken", "state=failed"));
        Assert.Equal([1.0], _measurements.Of(SluiceInstruments.Tasks, "pipeline=m_good", "task=extract", "state=success"));
        Assert.Equal([1.0], _measurements.Of(SluiceInstruments.Tasks, "pipeline=m_good", "task=load", "state=success"));
        Assert.Equal([1.0], _measurements.Of(SluiceInstruments.Tasks, "pipeline=m_broken", "task=extract", "state=failed"));
        Assert.Equal([1.0], _measurements.Of(SluiceInstruments.Tasks, "pipeline=m_broken", "task=load", "state=upstream_failed"));
        Assert.Equal([2.0], _measurements.Of(SluiceInstruments.Rows, "pipeline=m_good", "dataset=raw", "kind=extracted"));
        Assert.Equal([2.0], _measurements.Of(SluiceInstruments.Rows, "pipeline=m_good", "dataset=raw", "kind=loaded"));
        Assert.Equal([2.0], _measurements.Of(SluiceInstruments.Rows, "pipeline=m_good", "dataset=raw_quarantine", "kind=quarantined"));
        Assert.Empty(_measurements.Of(SluiceInstruments.Rows, "pipeline=m_broken"));
        Assert.Single(_measurements.Of(SluiceInstruments.RunDuration, "pipeline=m_good", "state=success"));
        Assert.Single(_measurements.Of(SluiceInstruments.RunDuration, "pipeline=m_broken", "state=failed"));
        Assert.Equal(2, _measurements.Of(SluiceInstruments.TaskDuration, "pipeline=m_good", "state=success").Count);
        // A task that never ran (upstream_failed) has no attempt to time.
        Assert.Single(_measurements.Of(SluiceInstruments.TaskDuration, "pipeline=m_broken"));
    }

    [Fact]
    public async Task Freshness_lag_is_the_time_since_the_end_of_the_latest_successful_interval()
    {
        await RunAsync("f_good", "in.csv");
        await RunAsync("f_broken", "missing.csv");

        _measurements.Observe();
        // The 2024-03-01 interval ends at 2024-03-02T00:00Z; the clock says 06:00.
        Assert.Equal([6 * 3600.0], _measurements.Of(SluiceInstruments.FreshnessLag, "pipeline=f_good"));
        Assert.Empty(_measurements.Of(SluiceInstruments.FreshnessLag, "pipeline=f_broken"));

        _measurements.Clear();
        _clock.Advance(TimeSpan.FromHours(1));
        _measurements.Observe();
        Assert.Equal([7 * 3600.0], _measurements.Of(SluiceInstruments.FreshnessLag, "pipeline=f_good"));
    }

    [Fact]
    public async Task A_scheduler_started_after_the_last_success_reads_the_freshness_from_the_run_history()
    {
        // A run made by another process (a runner whose log has no listener): this host saw nothing of it.
        var earlier = await RunAsync("h_good", "in.csv", outsideTheHost: true);
        _measurements.Observe();
        Assert.True(earlier.Succeeded, earlier.Run.Error);
        Assert.Empty(_measurements.Of(SluiceInstruments.FreshnessLag, "pipeline=h_good"));

        await new FreshnessSeed(_store, _services.GetRequiredService<RunMetrics>()).SeedAsync([Pipeline("h_good", "in.csv")], CancellationToken.None);

        _measurements.Observe();
        Assert.Equal([6 * 3600.0], _measurements.Of(SluiceInstruments.FreshnessLag, "pipeline=h_good"));
    }

    [Fact]
    public async Task Check_results_and_alert_deliveries_written_through_the_host_log_are_counted()
    {
        var log = _instance.Events(_store);
        await log.AppendAsync(Event(EventTypes.CheckResult, new JsonObject { ["dataset"] = "raw", ["check"] = "not_null", ["severity"] = "error", ["outcome"] = "fail" }), CancellationToken.None);
        await log.AppendAsync(Event(EventTypes.CheckResult, new JsonObject { ["dataset"] = "raw", ["check"] = "not_null", ["severity"] = "error", ["outcome"] = "pass" }), CancellationToken.None);
        await log.AppendAsync(Event(EventTypes.AlertSent, new JsonObject { ["channel"] = "ops", ["status"] = "delivered", ["state"] = "triggered" }), CancellationToken.None);
        await log.AppendAsync(Event(EventTypes.AlertFailed, new JsonObject { ["channel"] = "ops", ["status"] = "failed", ["state"] = "triggered" }), CancellationToken.None);
        // Appended straight to the store, past the host's log: not seen.
        await _store.AppendAsync(Event(EventTypes.AlertFailed, new JsonObject { ["channel"] = "ops" }), CancellationToken.None);

        Assert.Equal([1.0], _measurements.Of(SluiceInstruments.Checks, "pipeline=c", "check=not_null", "outcome=fail", "severity=error"));
        Assert.Equal([1.0], _measurements.Of(SluiceInstruments.Checks, "pipeline=c", "outcome=pass"));
        Assert.Equal([1.0], _measurements.Of(SluiceInstruments.Alerts, "pipeline=c", "channel=ops", "status=sent", "state=triggered"));
        Assert.Equal([1.0], _measurements.Of(SluiceInstruments.Alerts, "pipeline=c", "status=failed"));
    }

    private RunEvent Event(string type, JsonObject payload) =>
        new() { Timestamp = _clock.GetUtcNow(), Type = type, Pipeline = "c", RunId = 99, LogicalDate = new DateOnly(2024, 3, 1), Payload = payload };
}
