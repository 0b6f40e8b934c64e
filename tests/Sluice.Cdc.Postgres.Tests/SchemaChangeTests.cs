using Sluice.Events;

namespace Sluice.Cdc.Postgres.Tests;

/// <summary>A column added to a source table mid-stream follows on_new_columns, and is recorded as drift in the event log either way.</summary>
public sealed class SchemaChangeTests
{
    [Fact]
    public async Task With_evolve_a_new_source_column_is_added_to_the_mirror_with_its_values_and_recorded_as_info_drift()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop);
        await cdc.SetupAsync();
        await cdc.Source.ExecuteAsync("INSERT INTO customers VALUES (90, 'before the change', NULL)");
        await cdc.Source.ExecuteAsync("ALTER TABLE customers ADD COLUMN tier varchar(10)");
        await cdc.Source.ExecuteAsync("INSERT INTO customers VALUES (91, 'after', NULL, 'gold'); UPDATE customers SET tier = 'silver' WHERE id = 1");
        using var recorder = new CdcEventRecorder();

        await cdc.DrainAsync(recorder.Create());

        Assert.Equal("character varying(10)", await cdc.Target.ScalarAsync<string>("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'mirror.customers'::regclass AND attname = 'tier'"));
        await cdc.AssertMirroredAsync("customers");
        // Drift the pipeline absorbed by design: info, which the alert router records but does not alert on.
        var drift = AssertDrift(recorder, "info", "evolve", "character varying(10)");
        Assert.Equal("public.customers gained column(s) tier character varying(10) in the source; added to \"mirror\".\"customers\" (on_new_columns: evolve).", drift.Text("summary"));
    }

    [Fact]
    public async Task With_fail_the_drain_stops_naming_the_column_and_the_fix_raises_an_error_drift_event_and_the_slot_keeps_the_changes()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop, extraOptions: "\n      on_new_columns: fail");
        await cdc.SetupAsync();
        await cdc.Source.ExecuteAsync("ALTER TABLE customers ADD COLUMN tier text");
        await cdc.Source.ExecuteAsync("INSERT INTO customers VALUES (91, 'after', NULL, 'gold')");
        using var recorder = new CdcEventRecorder();

        var error = await Assert.ThrowsAsync<SchemaDriftException>(() => cdc.DrainAsync(recorder.Create()));

        Assert.Equal(
            "public.customers gained column(s) tier in the source, and on_new_columns is 'fail'. Add them to \"mirror\".\"customers\" by hand (or set on_new_columns: evolve) and run again; the slot has kept every change since.",
            error.Message);
        Assert.Equal(0L, await cdc.Target.ScalarAsync<long>("SELECT count(*) FROM mirror.customers WHERE id = 91"));
        // An event an alert is raised from: an error naming the table, the columns (with their types) and the fix.
        var drift = AssertDrift(recorder, "error", "fail", "text");
        Assert.Equal(error.Message, drift.Text("summary"));

        await cdc.Target.ExecuteAsync("ALTER TABLE mirror.customers ADD COLUMN tier text");
        await cdc.DrainAsync();
        await cdc.AssertMirroredAsync("customers");
    }

    /// <summary>The one contract_drift event recorded: customers gained column tier of <paramref name="type"/>.</summary>
    private static RunEvent AssertDrift(CdcEventRecorder recorder, string severity, string policy, string type)
    {
        var drift = Assert.Single(recorder.OfType(EventTypes.ContractDrift));
        Assert.Equal((severity, policy), (drift.Text("severity"), drift.Text("policy")));
        Assert.Equal(("mirror.customers", "public.customers"), (drift.Text("dataset"), drift.Text("source_table")));
        Assert.Equal($"[{{\"name\":\"tier\",\"type\":\"{type}\"}}]", drift.Payload["added"]!.ToJsonString());
        return drift;
    }
}
