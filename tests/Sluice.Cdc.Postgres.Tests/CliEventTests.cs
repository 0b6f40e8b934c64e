using Sluice.Events;
using Sluice.Metadata.Sqlite;

namespace Sluice.Cdc.Postgres.Tests;

/// <summary>`sluice cdc run` as a real process writes its drift and lag events to the project's event log.</summary>
public sealed class CliEventTests
{
    [Fact]
    public async Task A_drift_that_stops_the_cli_is_an_error_event_in_the_log_and_the_run_after_the_fix_records_the_slots_lag()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop, extraOptions: "\n      on_new_columns: fail");
        await cdc.SetupAsync();
        await cdc.Source.ExecuteAsync("ALTER TABLE customers ADD COLUMN tier text");
        await cdc.Source.ExecuteAsync("INSERT INTO customers VALUES (91, 'after', NULL, 'gold')");

        var (stopped, stoppedOutput) = await RunOnceAsync(cdc);

        Assert.NotEqual(0, stopped);
        Assert.Contains("public.customers gained column(s) tier in the source, and on_new_columns is 'fail'", stoppedOutput, StringComparison.Ordinal);
        var task = cdc.Pipeline.Tasks[0].Id;
        var drift = Assert.Single(await ReadAsync(cdc, EventTypes.ContractDrift));
        Assert.Equal(("shop_cdc", task, "error", "public.customers"), (drift.Pipeline, drift.TaskId, drift.Text("severity"), drift.Text("source_table")));
        Assert.Contains("(or set on_new_columns: evolve) and run again", drift.Text("summary"), StringComparison.Ordinal);
        Assert.Empty(await ReadAsync(cdc, EventTypes.CdcLag));

        await cdc.Target.ExecuteAsync("ALTER TABLE mirror.customers ADD COLUMN tier text");
        var (resumed, resumedOutput) = await RunOnceAsync(cdc);

        Assert.True(resumed == 0, resumedOutput);
        await cdc.AssertMirroredAsync("customers");
        var lag = Assert.Single(await ReadAsync(cdc, EventTypes.CdcLag));
        Assert.Equal((task, cdc.Slot, "true", "0"), (lag.TaskId, lag.Text("slot"), lag.Text("final"), lag.Text("lag_seconds")));
        Assert.True(lag.Number("retained_bytes") > 0);
    }

    private static async Task<(int ExitCode, string Output)> RunOnceAsync(CdcHarness cdc)
    {
        using var process = CrashTests.Start(cdc.Project.PathOf("shop_cdc.yaml"), cdc.Project.Root, "run", "--once");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return (process.ExitCode, await stdout + await stderr);
    }

    private static async Task<IReadOnlyList<RunEvent>> ReadAsync(CdcHarness cdc, string type)
    {
        await using var store = await SqliteMetadataStore.OpenAsync(Path.Combine(cdc.Project.StateDirectory, "sluice.db"));
        return await EventLogs.Of(store).ReadAsync(new EventQuery { Types = [type] }, CancellationToken.None);
    }
}
