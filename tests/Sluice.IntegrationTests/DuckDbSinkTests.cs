using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>The warehouse sink's load modes, schema evolution and quoting, against a real DuckDB file.</summary>
public sealed class DuckDbSinkTests : IDisposable
{
    private readonly TestProject _project = new();

    private void Pipeline(string with, string table = "t") => _project.Write("pipeline.yaml", $$$"""
        name: loads
        tasks:
          extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
          load:
            sink: duckdb
            input: raw
            with: { database: wh.duckdb, table: '{{{table.Replace("'", "''", StringComparison.Ordinal)}}}', {{{with}}} }
        """);

    private async Task LoadAsync(string date, string csv)
    {
        _project.Write($"in/{date}.csv", csv);
        var result = await _project.RunAsync("pipeline.yaml", date);
        Assert.True(result.Succeeded, result.Run.Error);
    }

    [Fact]
    public async Task Append_adds_rows_and_replace_swaps_the_whole_table()
    {
        Pipeline("mode: append");
        await LoadAsync("2024-03-01", "id,v\n1,a\n");
        await LoadAsync("2024-03-02", "id,v\n2,b\n");
        Assert.Equal("1|a\n2|b", _project.Warehouse("wh.duckdb").Snapshot("t"));

        Pipeline("mode: replace");
        await LoadAsync("2024-03-03", "id,v\n3,c\n");
        Assert.Equal("3|c", _project.Warehouse("wh.duckdb").Snapshot("t"));
    }

    [Fact]
    public async Task Upsert_replaces_matching_keys_and_adds_the_rest()
    {
        Pipeline("mode: upsert, key: [id, region]");
        await LoadAsync("2024-03-01", "id,region,v\n1,eu,a\n1,us,b\n2,eu,c\n");
        await LoadAsync("2024-03-02", "id,region,v\n1,us,B\n3,eu,d\n");

        Assert.Equal("1|eu|a\n1|us|B\n2|eu|c\n3|eu|d", _project.Warehouse("wh.duckdb").Snapshot("t"));
    }

    [Fact]
    public async Task Delete_insert_replaces_only_the_partitions_present_in_the_input()
    {
        Pipeline("mode: delete_insert, partition_column: day");
        await LoadAsync("2024-03-01", "day,v\n2024-03-01,a\n2024-03-01,b\n");
        await LoadAsync("2024-03-02", "day,v\n2024-03-02,c\n");
        await LoadAsync("2024-03-03", "day,v\n2024-03-01,A\n");

        Assert.Equal("2024-03-01|A\n2024-03-02|c", _project.Warehouse("wh.duckdb").Snapshot("t"));
    }

    [Fact]
    public async Task A_new_column_fails_with_a_diff_unless_schema_evolution_adds_it()
    {
        Pipeline("mode: append");
        await LoadAsync("2024-03-01", "id,v\n1,a\n");
        _project.Write("in/2024-03-02.csv", "id,v,extra\n2,b,x\n");

        var refused = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(refused.Succeeded);
        Assert.Contains("the dataset no longer matches table main.t: + extra VARCHAR", refused.Run.Error);
        Assert.Contains("schema_evolution: add_columns", refused.Run.Error);
        Assert.Equal("1|a", _project.Warehouse("wh.duckdb").Snapshot("t"));

        Pipeline("mode: append, schema_evolution: add_columns");
        var evolved = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.True(evolved.Succeeded, evolved.Run.Error);
        Assert.Equal("1|a|NULL\n2|b|x", _project.Warehouse("wh.duckdb").Snapshot("t"));
    }

    [Fact]
    public async Task Hostile_table_names_and_values_round_trip_intact_and_harm_nothing()
    {
        const string table = "order's \"items\"; DROP TABLE t; --";
        Pipeline("mode: upsert, key: \"id; DROP\"", table);
        await LoadAsync("2024-03-01", "\"id; DROP\",\"the value\"\n1,\"'; DROP TABLE orders; --\"\n");
        await LoadAsync("2024-03-02", "\"id; DROP\",\"the value\"\n1,\"\"\"quoted\"\" and 'single'\"\n2,x\n");

        var warehouse = _project.Warehouse("wh.duckdb");
        var quoted = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        Assert.Equal("1|\"quoted\" and 'single'\n2|x", warehouse.Snapshot(quoted));
        Assert.Equal(table, warehouse.Query("SELECT table_name FROM information_schema.tables").Single()[0]);

        _project.Write("in/2024-03-03.csv", "\"id; DROP\",\"the value\"\n3,\"'; DROP TABLE orders; --\"\n");
        Assert.True((await _project.RunAsync("pipeline.yaml", "2024-03-03")).Succeeded);
        Assert.Equal("'; DROP TABLE orders; --", warehouse.Query($"SELECT \"the value\" FROM {quoted} WHERE \"id; DROP\" = 3").Single()[0]);
    }

    public void Dispose() => _project.Dispose();
}
