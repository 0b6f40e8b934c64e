namespace Sluice.IntegrationTests;

/// <summary>
/// DuckDB warehouse: mode: replace swaps the rows and keeps the table's definition (primary key,
/// INTEGER, VARCHAR(10) check) unless schema_evolution says otherwise; a refused load changes nothing.
/// </summary>
public sealed class ReplaceDefinitionTests : IDisposable
{
    private const string Definition = "id INTEGER NOT NULL\ncode VARCHAR NOT NULL\namount DOUBLE NULL";
    private readonly TestProject _project = new();

    public ReplaceDefinitionTests()
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection($"DataSource={_project.PathOf("wh.duckdb")}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "CREATE TABLE t (id INTEGER PRIMARY KEY, code VARCHAR NOT NULL CHECK (length(code) <= 10), amount DOUBLE); INSERT INTO t VALUES (1, 'a', 1.50), (2, 'b', 2.50)";
        command.ExecuteNonQuery();
    }

    private Task<Sluice.Execution.RunResult> ReplaceAsync(string csv, string policy = "fail")
    {
        _project.Write("pipeline.yaml", $$$"""
            name: replaces
            tasks:
              extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
              load: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: t, mode: replace, schema_evolution: {{{policy}}} } }
            """);
        _project.Write("in/2024-03-01.csv", csv);
        return _project.RunAsync("pipeline.yaml", "2024-03-01");
    }

    private string Rows() => _project.Warehouse("wh.duckdb").Snapshot("t");

    private string DefinitionOfT() => string.Join('\n', _project.Warehouse("wh.duckdb")
        .Query("SELECT column_name || ' ' || data_type || ' ' || CASE WHEN is_nullable = 'YES' THEN 'NULL' ELSE 'NOT NULL' END FROM information_schema.columns WHERE table_name = 't' ORDER BY ordinal_position")
        .Select(r => (string)r[0]!));

    private long Constraints() => _project.Warehouse("wh.duckdb").Count("duckdb_constraints() WHERE table_name = 't' AND constraint_type IN ('PRIMARY KEY', 'CHECK')");

    [Fact]
    public async Task The_same_columns_keep_the_primary_key_integer_and_length_check()
    {
        var result = await ReplaceAsync("id,code,amount\n3,c,3.25\n");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal("3|c|3.25", Rows());
        Assert.Equal(Definition, DefinitionOfT());
        Assert.Equal(2L, Constraints());
    }

    [Theory]
    [InlineData("fail")]
    [InlineData("add_columns")]
    public async Task A_removed_column_is_refused_and_the_table_is_unchanged(string policy)
    {
        var result = await ReplaceAsync("id,code\n3,c\n", policy);

        Assert.False(result.Succeeded);
        Assert.Contains("the dataset has no column 'amount' of table main.t, so mode 'replace' would leave it empty in every row", result.Run.Error);
        Assert.Equal("1|a|1.5\n2|b|2.5", Rows());
        Assert.Equal(Definition, DefinitionOfT());
    }

    [Fact]
    public async Task An_added_column_is_refused_with_fail_and_added_with_add_columns()
    {
        var refused = await ReplaceAsync("id,code,amount,extra\n3,c,3.25,x\n");

        Assert.False(refused.Succeeded);
        Assert.Contains("the dataset no longer matches table main.t: + extra VARCHAR", refused.Run.Error);
        Assert.Equal("1|a|1.5\n2|b|2.5", Rows());

        var added = await ReplaceAsync("id,code,amount,extra\n3,c,3.25,x\n", "add_columns");

        Assert.True(added.Succeeded, added.Run.Error);
        Assert.Equal("3|c|3.25|x", Rows());
        Assert.Equal(Definition + "\nextra VARCHAR NULL", DefinitionOfT());
        Assert.Equal(2L, Constraints());
    }

    [Fact]
    public async Task A_value_the_kept_definition_refuses_fails_and_changes_nothing()
    {
        var result = await ReplaceAsync("id,code,amount\n3,much too long for ten,3.25\n");

        Assert.False(result.Succeeded);
        Assert.Contains("CHECK constraint", result.Run.Error, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("1|a|1.5\n2|b|2.5", Rows());
    }

    [Theory]
    [InlineData("id,code\n3,c\n", "id BIGINT NULL\ncode VARCHAR NULL", "3|c")]
    [InlineData("id,code,amount,extra\n3,c,3.25,x\n", "id BIGINT NULL\ncode VARCHAR NULL\namount DOUBLE NULL\nextra VARCHAR NULL", "3|c|3.25|x")]
    public async Task Recreate_rebuilds_the_table_from_the_dataset_as_asked(string csv, string definition, string rows)
    {
        var result = await ReplaceAsync(csv, "recreate");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(rows, Rows());
        Assert.Equal(definition, DefinitionOfT());
        Assert.Equal(0L, Constraints());
    }

    public void Dispose() => _project.Dispose();
}
