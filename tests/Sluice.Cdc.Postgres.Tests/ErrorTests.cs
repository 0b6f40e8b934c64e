using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;

namespace Sluice.Cdc.Postgres.Tests;

/// <summary>Each bad setup is one message that names the fix, and leaves nothing behind.</summary>
public sealed class ErrorTests
{
    [Fact]
    public async Task A_table_without_a_primary_key_is_refused_and_nothing_is_created()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop + "CREATE TABLE events (at timestamptz, what text);", tables: "[public.customers, public.events, public.nope]");

        var error = await Assert.ThrowsAsync<NonRetryableException>(cdc.SetupAsync);

        Assert.Contains("table public.events has no primary key", error.Message, StringComparison.Ordinal);
        Assert.Contains("ALTER TABLE public.events ADD PRIMARY KEY", error.Message, StringComparison.Ordinal);
        Assert.Contains("table public.nope does not exist", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await cdc.Source.ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{cdc.Slot}'"));
        Assert.Equal(0L, await cdc.Source.ScalarAsync<long>("SELECT count(*) FROM pg_publication"));
    }

    [Fact]
    public async Task Running_without_setup_says_to_run_setup()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop);

        var error = await Assert.ThrowsAsync<NonRetryableException>(() => cdc.DrainAsync());

        Assert.Contains($"replication slot '{cdc.Slot}' does not exist", error.Message, StringComparison.Ordinal);
        Assert.Contains("`sluice cdc setup shop_cdc`", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_slot_in_use_by_another_process_is_named_with_the_fix_and_nothing_is_applied()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop);
        await cdc.SetupAsync();
        await cdc.Source.ExecuteAsync("INSERT INTO customers VALUES (80, 'waiting', NULL)");
        var settings = cdc.Settings();
        await using var other = new LogicalReplicationConnection(settings.ReplicationConnectionString());
        await other.Open();
        using var stop = new CancellationTokenSource();
        var holding = other.StartReplication(new PgOutputReplicationSlot(cdc.Slot), new PgOutputReplicationOptions(settings.Publication, PgOutputProtocolVersion.V1), stop.Token).GetAsyncEnumerator(stop.Token);
        _ = holding.MoveNextAsync();
        for (var i = 0; i < 100 && await cdc.Source.ScalarAsync<bool>($"SELECT NOT active FROM pg_replication_slots WHERE slot_name = '{cdc.Slot}'"); i++)
        {
            await Task.Delay(50);
        }

        var error = await Assert.ThrowsAsync<NonRetryableException>(() => cdc.DrainAsync());

        Assert.Contains($"replication slot '{cdc.Slot}' is in use by server process", error.Message, StringComparison.Ordinal);
        Assert.Contains("Stop that process first, or give this task its own slot with option 'slot'", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await cdc.Target.ScalarAsync<long>("SELECT count(*) FROM mirror.customers WHERE id = 80"));
        await stop.CancelAsync();
    }

    [Fact]
    public void A_wal_level_other_than_logical_names_the_setting_and_the_restart()
    {
        var problem = SourceChecks.WalLevelProblem("replica", "connection 'shop' (postgres at db:5432, database 'shop', user 'u')");

        Assert.Equal(
            "connection 'shop' (postgres at db:5432, database 'shop', user 'u'): wal_level is 'replica', and change data capture needs 'logical'. " +
            "Run ALTER SYSTEM SET wal_level = logical (or set it in postgresql.conf), make sure max_replication_slots and max_wal_senders are at least 1, and restart the server.",
            problem);
        Assert.Null(SourceChecks.WalLevelProblem("logical", "x"));
    }

    [Fact]
    public async Task The_test_server_runs_with_wal_level_logical_and_the_check_passes_there()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop);
        await using var connection = new NpgsqlConnection(cdc.Settings().Source.ConnectionString);
        await connection.OpenAsync();

        await SourceChecks.WalLevelAsync(connection, cdc.Settings(), CancellationToken.None);
    }

    [Fact]
    public async Task A_table_with_a_primary_key_but_replica_identity_nothing_is_refused_naming_the_fix_and_nothing_is_created()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop + "ALTER TABLE orders REPLICA IDENTITY NOTHING;");

        var error = await Assert.ThrowsAsync<NonRetryableException>(cdc.SetupAsync);

        Assert.Equal(
            $"task 'mirror_{cdc.Source.Name}' of pipeline 'shop_cdc': table public.orders has REPLICA IDENTITY NOTHING, so once published its updates and deletes would fail in the source and could not be captured. " +
            "Run ALTER TABLE public.orders REPLICA IDENTITY DEFAULT (the primary key). Nothing was created.",
            error.Message);
        Assert.Equal(0L, await cdc.Source.ScalarAsync<long>($"SELECT count(*) FROM pg_replication_slots WHERE slot_name = '{cdc.Slot}'"));
        Assert.Equal(0L, await cdc.Source.ScalarAsync<long>("SELECT count(*) FROM pg_publication"));
        // The source still takes updates (it would not, had the table been published without an identity).
        await cdc.Source.ExecuteAsync("UPDATE orders SET note = 'still writable' WHERE id = 1");
    }

    [Fact]
    public async Task A_table_without_a_primary_key_and_with_replica_identity_nothing_names_both()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop + "CREATE TABLE events (at timestamptz, what text); ALTER TABLE events REPLICA IDENTITY NOTHING;", tables: "[public.events]");

        var error = await Assert.ThrowsAsync<NonRetryableException>(cdc.SetupAsync);

        Assert.Contains("table public.events has no primary key and REPLICA IDENTITY NOTHING, so its updates and deletes cannot be captured. Add a primary key (ALTER TABLE public.events ADD PRIMARY KEY (...)).", error.Message, StringComparison.Ordinal);
        Assert.Equal(0L, await cdc.Source.ScalarAsync<long>("SELECT count(*) FROM pg_publication"));
    }
}
