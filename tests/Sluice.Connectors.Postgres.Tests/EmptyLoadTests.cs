using Microsoft.Data.Sqlite;
using Sluice.Connectors.Postgres.Tests.Infrastructure;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>on_empty on the PostgreSQL and SQLite sinks: an empty input never removes rows unasked.</summary>
public sealed class EmptyLoadTests : IAsyncLifetime
{
    private readonly TestProject _project = new();
    private PgDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await PgDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml() + "\n  lite: { type: sqlite, path: data/app.db }\n");
    }

    private async Task<Sluice.Execution.RunResult> LoadAsync(string sink, string with, string csv, string date, string onEmpty = "")
    {
        _project.Write("pipeline.yaml", $$$"""
            name: loads
            defaults: { retries: 0 }
            tasks:
              extract: { source: files, output: raw, on_empty: ok, with: { path: "in/{{ ds }}.csv" } }
              load:
                sink: {{{sink}}}
                input: raw
                {{{onEmpty}}}
                with: { table: t, {{{with}}} }
            """);
        _project.Write($"in/{date}.csv", csv);
        return await _project.RunAsync(date);
    }

    [Fact]
    public async Task An_empty_replace_of_a_postgres_table_is_refused_unless_on_empty_allows_it()
    {
        Assert.True((await LoadAsync("postgres", "connection: wh, mode: replace", "id,v\n1,a\n2,b\n", "2024-03-01")).Succeeded);

        var refused = await LoadAsync("postgres", "connection: wh, mode: replace", "id,v\n", "2024-03-02");

        Assert.False(refused.Succeeded);
        Assert.Contains("task 'load': the input 'raw' is empty (0 rows) for 2024-03-02, and mode 'replace' would remove 2 row(s) of public.t; refused, nothing was changed", refused.Run.Error);
        Assert.Equal("(1,a)\n(2,b)", await _db.SnapshotAsync("t"));
        var definition = await _db.QueryAsync("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum");

        var allowed = await LoadAsync("postgres", "connection: wh, mode: replace", "id,v\n", "2024-03-02", "on_empty: ok");

        Assert.True(allowed.Succeeded, allowed.Run.Error);
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM t"));
        Assert.Equal(definition.Select(d => d[0]), (await _db.QueryAsync("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 't'::regclass AND attnum > 0 ORDER BY attnum")).Select(d => d[0]));
    }

    [Fact]
    public async Task An_empty_delete_insert_into_postgres_removes_nothing_and_passes()
    {
        Assert.True((await LoadAsync("postgres", "connection: wh, mode: delete_insert, partition_column: day", "day,v\nd1,a\n", "2024-03-01")).Succeeded);

        var empty = await LoadAsync("postgres", "connection: wh, mode: delete_insert, partition_column: day", "day,v\n", "2024-03-02");

        Assert.True(empty.Succeeded, empty.Run.Error);
        Assert.Equal("(d1,a)", await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task An_empty_scd2_snapshot_does_not_close_every_current_version_in_postgres()
    {
        const string with = "connection: wh, mode: scd2, key: id, close_missing: true";
        Assert.True((await LoadAsync("postgres", with, "id,v\nk1,a\nk2,b\n", "2024-03-01")).Succeeded);

        var refused = await LoadAsync("postgres", with, "id,v\n", "2024-03-02");

        Assert.False(refused.Succeeded);
        Assert.Contains("mode 'scd2' would close 2 current version(s) of public.t (close_missing: true); refused", refused.Run.Error);
        Assert.Equal(2L, await _db.ScalarAsync<long>("SELECT count(*) FROM t WHERE is_current AND sk <> -1"));
    }

    [Fact]
    public async Task An_empty_replace_of_a_sqlite_table_is_refused_unless_on_empty_allows_it()
    {
        Assert.True((await LoadAsync("sqlite", "connection: lite, mode: replace", "id,v\n1,a\n2,b\n", "2024-03-01")).Succeeded);

        var refused = await LoadAsync("sqlite", "connection: lite, mode: replace", "id,v\n", "2024-03-02");

        Assert.False(refused.Succeeded);
        Assert.Contains("mode 'replace' would remove 2 row(s) of table 't'; refused, nothing was changed", refused.Run.Error);
        Assert.Equal(2L, SqliteCount());

        var allowed = await LoadAsync("sqlite", "connection: lite, mode: replace", "id,v\n", "2024-03-02", "on_empty: warn");

        Assert.True(allowed.Succeeded, allowed.Run.Error);
        Assert.Equal(0L, SqliteCount());
    }

    private long SqliteCount()
    {
        using var connection = new SqliteConnection($"Data Source={_project.PathOf("data/app.db")};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT count(*) FROM t";
        return (long)command.ExecuteScalar()!;
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }
}
