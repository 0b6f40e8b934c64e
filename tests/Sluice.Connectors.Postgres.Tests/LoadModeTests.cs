using Sluice.Connectors.Postgres.Tests.Infrastructure;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>The PostgreSQL sink's load modes, table creation, schema evolution and quoting.</summary>
public sealed class LoadModeTests : IAsyncLifetime
{
    private readonly TestProject _project = new();
    private PgDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await PgDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml());
    }

    private void Pipeline(string with, string table = "t", string schema = "public") => _project.Write("pipeline.yaml", $$$"""
        name: loads
        tasks:
          extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
          load:
            sink: postgres
            input: raw
            with: { connection: wh, schema: '{{{schema.Replace("'", "''", StringComparison.Ordinal)}}}', table: '{{{table.Replace("'", "''", StringComparison.Ordinal)}}}', {{{with}}} }
        """);

    private async Task LoadAsync(string date, string csv)
    {
        _project.Write($"in/{date}.csv", csv);
        await _project.RunOkAsync(date);
    }

    [Fact]
    public async Task Append_creates_the_missing_table_and_schema_then_adds_rows()
    {
        Pipeline("mode: append", schema: "sales");
        await LoadAsync("2024-03-01", "id,v,amount,day\n1,a,1.5,2024-03-01\n");
        await LoadAsync("2024-03-02", "id,v,amount,day\n2,b,2.25,2024-03-02\n");

        Assert.Equal("(1,a,1.5,2024-03-01)\n(2,b,2.25,2024-03-02)", await _db.SnapshotAsync("sales.t"));
        var types = await _db.QueryAsync("SELECT format_type(atttypid, atttypmod) FROM pg_attribute WHERE attrelid = 'sales.t'::regclass AND attnum > 0 ORDER BY attnum");
        Assert.Equal(["bigint", "text", "double precision", "date"], types.Select(t => (string)t[0]!));
    }

    [Fact]
    public async Task Parallel_loads_of_one_run_into_the_same_new_schema_all_succeed()
    {
        _project.Write("pipeline.yaml", """
            name: fan_out
            defaults: { retries: 0 }
            tasks:
              extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
              a: { sink: postgres, input: raw, with: { connection: wh, schema: fresh, table: a } }
              b: { sink: postgres, input: raw, with: { connection: wh, schema: fresh, table: b, mode: scd2, key: id } }
              c: { sink: postgres, input: raw, with: { connection: wh, schema: fresh, table: c, mode: scd1, key: id } }
            """);

        await LoadAsync("2024-03-01", "id,v\n1,a\n");

        Assert.Equal("(1,a)", await _db.SnapshotAsync("fresh.a"));
        Assert.Equal("(1,a)", await _db.SnapshotAsync("fresh.c"));
        Assert.Equal(2L, await _db.ScalarAsync<long>("SELECT count(*) FROM fresh.b"));
    }

    [Fact]
    public async Task Replace_swaps_the_whole_table_and_keeps_its_indexes()
    {
        Pipeline("mode: replace");
        await LoadAsync("2024-03-01", "id,v\n1,a\n2,b\n");
        await _db.ExecuteAsync("CREATE UNIQUE INDEX t_id ON t (id)");
        await LoadAsync("2024-03-02", "id,v\n3,c\n");

        Assert.Equal("(3,c)", await _db.SnapshotAsync("t"));
        Assert.Equal(1L, await _db.ScalarAsync<long>("SELECT count(*) FROM pg_index WHERE indrelid = 't'::regclass AND indisunique"));
        Assert.Equal(0L, await _db.ScalarAsync<long>("SELECT count(*) FROM pg_class WHERE relname LIKE 'sluice_new_%' AND relkind = 'r'"));
    }

    [Fact]
    public async Task Upsert_updates_changed_keys_and_inserts_new_ones()
    {
        Pipeline("mode: upsert, key: [id, region]");
        await LoadAsync("2024-03-01", "id,region,v\n1,eu,a\n1,us,b\n2,eu,c\n3,eu,d\n");
        await LoadAsync("2024-03-02", "id,region,v\n1,us,B\n3,eu,D\n4,eu,e\n5,us,f\n");

        Assert.Equal("(1,eu,a)\n(1,us,B)\n(2,eu,c)\n(3,eu,D)\n(4,eu,e)\n(5,us,f)", await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task Upsert_into_an_existing_table_without_a_unique_index_merges_by_key()
    {
        await _db.ExecuteAsync("CREATE TABLE t (id bigint, v text, note text DEFAULT 'kept'); INSERT INTO t VALUES (1, 'a', 'n1'), (2, 'b', 'n2')");
        Pipeline("mode: upsert, key: id");
        await LoadAsync("2024-03-01", "id,v\n2,B\n3,c\n");

        Assert.Equal("(1,a,n1)\n(2,B,n2)\n(3,c,kept)", await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task Upsert_refuses_repeated_keys_and_loads_nothing()
    {
        Pipeline("mode: upsert, key: id");
        await LoadAsync("2024-03-01", "id,v\n1,a\n");
        _project.Write("in/2024-03-02.csv", "id,v\n1,x\n1,y\n2,z\n");

        var result = await _project.RunAsync("2024-03-02");

        Assert.False(result.Succeeded);
        Assert.Contains("needs one row per key (id), but the input repeats keys: 1 (2 rows)", result.Run.Error);
        Assert.Equal("(1,a)", await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task Scd1_overwrites_changed_keys_adds_new_ones_keeps_absent_ones_and_a_rerun_changes_nothing()
    {
        Pipeline("mode: scd1, key: id");
        await LoadAsync("2024-03-01", "id,name,city\n1,Ann,Paris\n2,Bob,Rome\n");
        await LoadAsync("2024-03-02", "id,name,city\n1,Ann,Lyon\n3,Cid,Oslo\n");
        var afterDayTwo = await _db.SnapshotAsync("t");
        await LoadAsync("2024-03-02", "id,name,city\n1,Ann,Lyon\n3,Cid,Oslo\n");

        Assert.Equal("(1,Ann,Lyon)\n(2,Bob,Rome)\n(3,Cid,Oslo)", afterDayTwo);
        Assert.Equal(afterDayTwo, await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task Delete_insert_replaces_only_the_partitions_present_in_the_input()
    {
        Pipeline("mode: delete_insert, partition_column: day");
        await LoadAsync("2024-03-01", "day,v\n2024-03-01,a\n2024-03-01,b\n");
        await LoadAsync("2024-03-02", "day,v\n2024-03-02,c\n");
        await LoadAsync("2024-03-03", "day,v\n2024-03-01,A\n");

        Assert.Equal("(2024-03-01,A)\n(2024-03-02,c)", await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task A_new_column_fails_with_a_diff_unless_schema_evolution_adds_it()
    {
        Pipeline("mode: append");
        await LoadAsync("2024-03-01", "id,v\n1,a\n");
        _project.Write("in/2024-03-02.csv", "id,v,extra\n2,b,x\n");

        var refused = await _project.RunAsync("2024-03-02");

        Assert.False(refused.Succeeded);
        Assert.Contains("the dataset no longer matches table public.t: + extra VARCHAR (would be text)", refused.Run.Error);
        Assert.Contains("schema_evolution: add_columns", refused.Run.Error);
        Assert.Equal("(1,a)", await _db.SnapshotAsync("t"));

        Pipeline("mode: append, schema_evolution: add_columns");
        await _project.RunOkAsync("2024-03-02");
        Assert.Equal("(1,a,)\n(2,b,x)", await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task A_column_whose_type_changed_fails_with_a_diff_even_with_add_columns()
    {
        await _db.ExecuteAsync("CREATE TABLE t (id bigint, v integer); INSERT INTO t VALUES (1, 10)");
        Pipeline("mode: append, schema_evolution: add_columns");
        _project.Write("in/2024-03-01.csv", "id,v\n2,not a number\n");

        var refused = await _project.RunAsync();

        Assert.False(refused.Succeeded);
        Assert.Contains("~ v: table integer, dataset VARCHAR", refused.Run.Error);
        Assert.Equal("(1,10)", await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task Hostile_table_and_column_names_and_values_round_trip_intact_and_harm_nothing()
    {
        const string table = "order's \"items\"; DROP TABLE orders; --";
        const string schema = "my schema; \"x\"";
        await _db.ExecuteAsync("CREATE TABLE orders (id int); INSERT INTO orders VALUES (42)");
        Pipeline("mode: upsert, key: \"id; DROP\"", table, schema);
        await LoadAsync("2024-03-01", "\"id; DROP\",\"the \"\"value\"\"\"\n1,\"'; DROP TABLE orders; --\"\n");
        await LoadAsync("2024-03-02", "\"id; DROP\",\"the \"\"value\"\"\"\n2,\"'; DROP TABLE orders; --\"\n");

        var quoted = "\"" + schema.Replace("\"", "\"\"", StringComparison.Ordinal) + "\".\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        var rows = await _db.QueryAsync($"SELECT \"id; DROP\", \"the \"\"value\"\"\" FROM {quoted} ORDER BY 1");
        Assert.Equal([1L, 2L], rows.Select(r => r[0]));
        Assert.All(rows, r => Assert.Equal("'; DROP TABLE orders; --", r[1]));
        Assert.Equal(42, await _db.ScalarAsync<int>("SELECT id FROM orders"));

        // And back out through the source, by table name.
        _project.Write("pipeline.yaml", $$"""
            name: back
            tasks:
              extract: { source: postgres, output: raw, with: { connection: wh, schema: '{{schema.Replace("'", "''", StringComparison.Ordinal)}}', table: '{{table.Replace("'", "''", StringComparison.Ordinal)}}' } }
            """);
        await _project.RunOkAsync();
        var staged = StagedFile.Query($"SELECT * FROM read_parquet('{_project.Staged("back", "2024-03-01", "raw")}') ORDER BY 1");
        Assert.Equal("'; DROP TABLE orders; --", staged[0][1]);
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }
}
