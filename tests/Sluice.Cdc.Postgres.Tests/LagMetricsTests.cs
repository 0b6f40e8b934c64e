using Sluice.Events;
using Sluice.Metadata.Sqlite;
using Sluice.Observability;
using Sluice.Reporting;

namespace Sluice.Cdc.Postgres.Tests;

/// <summary>A slot that falls behind is visible: its retained WAL and lag as cdc_lag events, gauges of the Sluice meter, and in the run's report.</summary>
public sealed class LagMetricsTests
{
    [Fact]
    public async Task A_drain_behind_its_source_reports_retained_wal_and_lag_in_events_and_gauges_and_zero_lag_once_caught_up()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop);
        await cdc.SetupAsync();
        for (var i = 0; i < 30; i++)
        {
            await cdc.Source.ExecuteAsync($"INSERT INTO orders SELECT g, 1, g, now(), 'backlog' FROM generate_series({10_000 + (i * 1000)}, {10_999 + (i * 1000)}) g");
        }

        // The backlog is at least this old when the drain starts: a sample taken while it applies must say so.
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var recorder = new CdcEventRecorder();

        await cdc.DrainAsync(recorder.Create(TimeSpan.FromMilliseconds(50)));

        var lags = recorder.OfType(EventTypes.CdcLag);
        Assert.All(lags, e => Assert.Equal(cdc.Slot, e.Text("slot")));
        var behind = lags.Where(e => e.Text("final") == "false").ToList();
        Assert.Contains(behind, e => double.Parse(e.Text("lag_seconds")!, System.Globalization.CultureInfo.InvariantCulture) >= 1.5 && e.Number("lag_bytes") > 0 && e.Number("retained_bytes") > 0);
        var last = lags[^1];
        Assert.Equal("true", last.Text("final"));
        Assert.Equal("0", last.Text("lag_seconds"));
        Assert.Equal(await cdc.Target.ScalarAsync<string>("SELECT applied_lsn::text FROM mirror.sluice_cdc_state"), last.Text("applied_lsn"));

        var gauges = recorder.ReadGauges();
        var retained = Assert.Single(gauges, g => g.Instrument == SluiceInstruments.CdcRetainedWal);
        Assert.Equal((double)last.Number("retained_bytes")!, retained.Value);
        Assert.True(retained.Value > 0);
        Assert.Equal(new Dictionary<string, string> { ["pipeline"] = "shop_cdc", ["task"] = "mirror", ["slot"] = cdc.Slot }, retained.Tags);
        Assert.Equal((double)last.Number("lag_bytes")!, Assert.Single(gauges, g => g.Instrument == SluiceInstruments.CdcLagBytes).Value);
        Assert.Equal(0, Assert.Single(gauges, g => g.Instrument == SluiceInstruments.CdcLagSeconds).Value);
        await cdc.AssertMirroredAsync("orders");
    }

    [Fact]
    public async Task A_scheduled_run_records_the_slots_lag_in_its_event_log_and_report()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop);
        await cdc.SetupAsync();
        await cdc.Source.ExecuteAsync("INSERT INTO customers VALUES (51, 'new', NULL)");

        var run = await cdc.Project.RunAsync(cdc.Pipeline, "2024-03-01");

        Assert.True(run.Succeeded, string.Join("; ", run.Tasks.Select(t => t.Error)));
        await using var store = await SqliteMetadataStore.OpenAsync(Path.Combine(cdc.Project.StateDirectory, "sluice.db"));
        var lag = Assert.Single(await EventLogs.Of(store).ReadAsync(new EventQuery { RunId = run.Run.Id, Types = [EventTypes.CdcLag] }, CancellationToken.None));
        Assert.Equal(cdc.Pipeline.Tasks[0].Id, lag.TaskId);
        Assert.Equal(cdc.Slot, lag.Text("slot"));
        Assert.True(lag.Number("retained_bytes") > 0);
        var report = (await RunReport.LoadAsync(store, EventLogs.Of(store), run.Run.Id, CancellationToken.None))!;
        Assert.Equal(cdc.Slot, Assert.Single(report["cdc_lag"]!.AsArray())!["slot"]!.ToString());
    }
}
