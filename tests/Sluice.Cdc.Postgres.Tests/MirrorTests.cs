namespace Sluice.Cdc.Postgres.Tests;

/// <summary>Snapshot, then inserts, updates and deletes mirrored into the target exactly once.</summary>
public sealed class MirrorTests
{
    internal const string Shop = """
        CREATE TABLE customers (id int PRIMARY KEY, name text NOT NULL, email text);
        CREATE TABLE orders (id bigint PRIMARY KEY, customer_id int NOT NULL, amount numeric(12,2), placed_at timestamptz NOT NULL, note text);
        INSERT INTO customers SELECT g, 'customer ' || g, 'c' || g || '@example.com' FROM generate_series(1, 50) g;
        INSERT INTO orders SELECT g, 1 + g % 50, g * 1.25, timestamptz '2024-03-01 00:00+00' + g * interval '1 minute', NULL FROM generate_series(1, 500) g;
        """;

    [Fact]
    public async Task Setup_copies_the_tables_and_a_drain_applies_inserts_updates_and_deletes_in_commit_order()
    {
        await using var cdc = await CdcHarness.CreateAsync(Shop);
        var setup = await cdc.SetupAsync();
        Assert.True(setup.Created);
        Assert.Equal(550, setup.SnapshotRows);
        await cdc.AssertMirroredAsync("customers", "orders");

        // One statement per round trip, so each line is its own source transaction.
        string[] changes =
        [
            "INSERT INTO customers VALUES (51, 'new', NULL)",
            "UPDATE customers SET email = 'changed@example.com' WHERE id = 2",
            "DELETE FROM orders WHERE id <= 10",
            "BEGIN; UPDATE orders SET amount = amount + 1, note = 'twice' WHERE id BETWEEN 11 AND 20; UPDATE orders SET note = 'last write wins' WHERE id = 11; COMMIT",
            "UPDATE customers SET id = 500 WHERE id = 3",
            "INSERT INTO orders VALUES (1000, 51, NULL, now(), 'quote''s \"and\" ünïcödé')",
            "DELETE FROM customers WHERE id = 51",
        ];
        foreach (var change in changes)
        {
            await cdc.Source.ExecuteAsync(change);
        }

        var drained = await cdc.DrainAsync();

        await cdc.AssertMirroredAsync("customers", "orders");
        Assert.Equal(7, drained.Transactions);
        Assert.Equal(1 + 1 + 10 + 11 + 1 + 1 + 1, drained.Changes);
    }

    [Fact]
    public async Task A_second_drain_with_nothing_new_applies_nothing_and_a_rerun_of_applied_transactions_is_skipped()
    {
        await using var cdc = await CdcHarness.CreateAsync(Shop);
        await cdc.SetupAsync();
        await cdc.Source.ExecuteAsync("UPDATE orders SET amount = 0 WHERE id < 100; INSERT INTO customers VALUES (60, 'x', NULL);");
        Assert.Equal(100, (await cdc.DrainAsync()).Changes);

        var again = await cdc.DrainAsync();

        Assert.Equal(0, again.Changes);
        Assert.Equal(0, again.Transactions);
        await cdc.AssertMirroredAsync("customers", "orders");
    }

    [Fact]
    public async Task The_target_position_commits_with_the_rows_so_a_replay_of_an_unconfirmed_slot_applies_nothing_twice()
    {
        await using var cdc = await CdcHarness.CreateAsync(Shop);
        await cdc.SetupAsync();
        await cdc.Source.ExecuteAsync("INSERT INTO customers VALUES (70, 'a', NULL); UPDATE orders SET note = 'n' WHERE id = 5;");

        // Apply, then put back a copy of the slot taken before: what a crash between the target's commit
        // and the slot's confirmation leaves behind. The source resends the changes; the target skips them.
        await cdc.Source.ExecuteAsync($"SELECT pg_copy_logical_replication_slot('{cdc.Slot}', '{cdc.Slot}_copy')");
        await cdc.DrainAsync();
        await cdc.Source.ExecuteAsync($"SELECT pg_drop_replication_slot('{cdc.Slot}')");
        await cdc.Source.ExecuteAsync($"SELECT pg_copy_logical_replication_slot('{cdc.Slot}_copy', '{cdc.Slot}'); SELECT pg_drop_replication_slot('{cdc.Slot}_copy')");
        await cdc.Target.ExecuteAsync("INSERT INTO mirror.customers VALUES (999, 'only in the target, proves no re-snapshot', NULL)");

        var replay = await cdc.DrainAsync();

        Assert.Equal(0, replay.Changes);
        Assert.Equal(1, replay.Skipped);
        Assert.Equal(2, await cdc.Target.ScalarAsync<long>("SELECT count(*) FROM mirror.customers WHERE id IN (70, 999)"));
        Assert.Equal("n", await cdc.Target.ScalarAsync<string>("SELECT note FROM mirror.orders WHERE id = 5"));
    }

    [Fact]
    public async Task A_transaction_larger_than_the_queue_and_the_batch_is_applied_whole()
    {
        await using var cdc = await CdcHarness.CreateAsync(Shop, extraOptions: "\n      batch_changes: 1000");
        await cdc.SetupAsync();
        await cdc.Source.ExecuteAsync("INSERT INTO orders SELECT g, 1, g, now(), repeat('x', 100) FROM generate_series(10001, 40000) g; DELETE FROM orders WHERE id BETWEEN 10001 AND 10100;");

        var drained = await cdc.DrainAsync();

        Assert.Equal(30000 + 100, drained.Changes);
        await cdc.AssertMirroredAsync("orders");
    }
}
