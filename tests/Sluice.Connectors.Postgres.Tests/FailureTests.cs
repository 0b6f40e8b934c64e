using System.Net;
using System.Net.Sockets;
using Sluice.Connectors.Postgres.Tests.Infrastructure;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>Unreachable servers, connections killed mid-COPY and concurrent readers during a swap.</summary>
public sealed class FailureTests : IAsyncLifetime
{
    private readonly TestProject _project = new();
    private PgDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await PgDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml());
    }

    /// <summary>A generated dataset of <paramref name="rows"/> rows loaded into table t.</summary>
    private void LargeLoad(long rows, string mode) => _project.Write("pipeline.yaml", $$"""
        name: big
        defaults: { retries: 0 }
        tasks:
          make:
            transform: sql
            output: rows
            with: { sql: "SELECT range AS id, 'row ' || range AS label, range * 1.5 AS amount FROM range({{rows}})" }
          load: { sink: postgres, input: rows, with: { connection: wh, table: t, mode: {{mode}} } }
        """);

    [Fact]
    public async Task An_unreachable_server_fails_with_the_connection_name_host_and_port_and_no_stack_trace_or_password()
    {
        var port = ClosedPort();
        _project.Write("connections.yaml", _db.ConnectionsYaml().Replace($"port: {PgDatabase.Port}", $"port: {port}", StringComparison.Ordinal));
        _project.Write("pipeline.yaml", "name: p\ndefaults: { retries: 0 }\ntasks:\n  extract: { source: postgres, output: raw, with: { connection: wh, query: 'SELECT 1 AS one' } }\n");
        var lines = new RunLog();

        var result = await _project.RunAsync(observer: lines);

        Assert.False(result.Succeeded);
        var error = result.Run.Error!;
        Assert.Contains("connection 'wh'", error);
        Assert.Contains($"could not connect to 127.0.0.1:{port}", error);
        Assert.Contains("Check that PostgreSQL is running", error);
        Assert.DoesNotContain("   at ", error);
        Assert.DoesNotContain("Exception", error);
        Assert.DoesNotContain(PgDatabase.Password, error);
        Assert.All(lines.Lines, l => Assert.DoesNotContain(PgDatabase.Password, l));
    }

    [Fact]
    public async Task A_connection_killed_in_the_middle_of_a_copy_leaves_the_table_unchanged_and_a_rerun_completes_it()
    {
        // The trigger parks the COPY at row 50,000 once (sequences ignore rollbacks), so the kill lands mid-COPY.
        await _db.ExecuteAsync("""
            CREATE TABLE t (id bigint, label text, amount numeric(38,1));
            INSERT INTO t SELECT g, 'old', 0 FROM generate_series(-999, 0) g;
            CREATE SEQUENCE once;
            CREATE FUNCTION park() RETURNS trigger LANGUAGE plpgsql AS $$
            BEGIN
              IF NEW.id = 50000 AND nextval('once') = 1 THEN PERFORM pg_sleep(60); END IF;
              RETURN NEW;
            END $$;
            CREATE TRIGGER park BEFORE INSERT ON t FOR EACH ROW EXECUTE FUNCTION park();
            """);
        var before = await _db.SnapshotAsync("t");
        LargeLoad(200_000, "append");

        var run = _project.RunAsync();
        var killed = await KillCopyAsync("wait_event = 'PgSleep'");
        var result = await run;

        Assert.True(killed, "the COPY was never seen parked");
        Assert.False(result.Succeeded);
        // The binary path notices the dead socket; the text path gets the server's goodbye (57P01) first.
        Assert.Matches("the connection to PostgreSQL was lost|terminating connection due to administrator command", result.Run.Error);
        Assert.Contains("Nothing was committed", result.Run.Error);
        Assert.Equal(before, await _db.SnapshotAsync("t"));

        await _project.RunOkAsync();
        Assert.Equal(201_000L, await _db.ScalarAsync<long>("SELECT count(*) FROM t"));
        Assert.Equal(200_000L, await _db.ScalarAsync<long>("SELECT count(DISTINCT id) FROM t WHERE label <> 'old'"));
    }

    [Fact]
    public async Task A_row_the_server_rejects_far_into_a_streamed_load_fails_it_promptly_with_the_servers_reason_and_the_table_unchanged()
    {
        // DuckDB writes the CSV into a pipe while COPY reads it: row 100,000 (amount 150000.0) comes long
        // after the pipe's buffer is full, so DuckDB is blocked mid-write when the server says no.
        await _db.ExecuteAsync("CREATE TABLE t (id bigint, label text, amount numeric(38,1) CONSTRAINT small_amount CHECK (amount < 150000)); INSERT INTO t VALUES (-1, 'old', 0)");
        var before = await _db.SnapshotAsync("t");
        LargeLoad(200_000, "append");

        var result = await _project.RunAsync().WaitAsync(TimeSpan.FromMinutes(3));

        Assert.False(result.Succeeded);
        Assert.Contains("violates check constraint \"small_amount\"", result.Run.Error);
        Assert.DoesNotContain("   at ", result.Run.Error);
        Assert.Equal(before, await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task A_replace_killed_mid_copy_keeps_the_old_table_and_a_rerun_swaps_it()
    {
        await _db.ExecuteAsync("CREATE TABLE t (id bigint, label text, amount numeric(38,1)); INSERT INTO t SELECT g, 'old', 0 FROM generate_series(1, 1000) g");
        LargeLoad(2_000_000, "replace");

        var run = _project.RunAsync();
        var killed = await KillCopyAsync("query LIKE 'COPY%'");
        var result = await run;

        Assert.True(killed, "the COPY was never seen running");
        Assert.False(result.Succeeded);
        Assert.Equal(1000L, await _db.ScalarAsync<long>("SELECT count(*) FROM t WHERE label = 'old'"));
        Assert.Equal(1000L, await _db.ScalarAsync<long>("SELECT count(*) FROM t"));
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname LIKE 'sluice_new_%'"));

        await _project.RunOkAsync();
        Assert.Equal(2_000_000L, await _db.ScalarAsync<long>("SELECT count(*) FROM t"));
    }

    [Fact]
    public async Task Readers_see_the_old_rows_or_the_new_rows_during_a_replace_never_an_empty_table()
    {
        await _db.ExecuteAsync("CREATE TABLE t (id bigint, label text, amount numeric(38,1)); INSERT INTO t SELECT g, 'old', 0 FROM generate_series(1, 1000) g");
        LargeLoad(500_000, "replace");
        var seen = new List<long>();
        using var stop = new CancellationTokenSource();

        var reader = Task.Run(async () =>
        {
            await using var connection = await _db.OpenAsync();
            while (!stop.IsCancellationRequested)
            {
                await using var count = new Npgsql.NpgsqlCommand("SELECT count(*) FROM t", connection);
                seen.Add((long)(await count.ExecuteScalarAsync())!);
            }
        });
        await _project.RunOkAsync();
        await Task.Delay(200);
        await stop.CancelAsync();
        await reader;

        Assert.True(seen.Count > 10, $"the reader ran only {seen.Count} queries");
        Assert.All(seen, count => Assert.True(count is 1000 or 500_000, $"a reader saw {count} rows"));
        Assert.Contains(500_000L, seen);
    }

    [Fact]
    public async Task A_transient_failure_on_a_task_without_retries_says_it_fails_not_that_it_will_be_retried()
    {
        LargeLoad(2_000_000, "append");

        var run = _project.RunAsync();
        var killed = await KillCopyAsync("query LIKE 'COPY%'");
        var result = await run;

        Assert.True(killed, "the COPY was never seen running");
        var load = result.Tasks.Single(t => t.TaskId == "load");
        Assert.Equal(1, load.TryNumber);
        Assert.Contains("Nothing was committed; the task has no retries (retries: 0), so it fails", load.Error);
        Assert.DoesNotContain("will be retried", load.Error);
    }

    [Fact]
    public async Task Two_replaces_of_one_table_at_once_both_succeed_one_after_the_other()
    {
        await _db.ExecuteAsync("CREATE TABLE t (id bigint PRIMARY KEY, label text, amount numeric(38,1)); INSERT INTO t SELECT g, 'old', 0 FROM generate_series(1, 1000) g");
        _project.Write("pipeline.yaml", """
            name: twice
            defaults: { retries: 0 }
            max_parallel_tasks: 2
            tasks:
              make:
                transform: sql
                output: rows
                with: { sql: "SELECT range AS id, 'row ' || range AS label, range * 1.5 AS amount FROM range(300000)" }
              first: { sink: postgres, input: rows, with: { connection: wh, table: t, mode: replace } }
              second: { sink: postgres, input: rows, with: { connection: wh, table: t, mode: replace } }
            """);

        var result = await _project.RunAsync();

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(300_000L, await _db.ScalarAsync<long>("SELECT count(*) FROM t"));
        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE conrelid = 't'::regclass AND contype = 'p'"));
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname LIKE 'sluice_new_%' AND relkind = 'r'"));
    }

    /// <summary>Waits for the load's COPY backend to match a condition, then terminates it from another connection.</summary>
    private async Task<bool> KillCopyAsync(string condition)
    {
        await using var admin = await _db.OpenAsync();
        for (var attempt = 0; attempt < 1200; attempt++)
        {
            await using var kill = new Npgsql.NpgsqlCommand(
                $"SELECT count(pg_terminate_backend(pid)) FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid() AND application_name LIKE 'sluice %' AND {condition}",
                admin);
            if ((long)(await kill.ExecuteScalarAsync())! > 0)
            {
                return true;
            }

            await Task.Delay(25);
        }

        return false;
    }

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }
}
