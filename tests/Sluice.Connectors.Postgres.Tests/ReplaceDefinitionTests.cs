using Sluice.Connectors.Postgres.Tests.Infrastructure;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>
/// mode: replace swaps a table's rows, never its definition (primary key, integer, varchar(10)),
/// unless schema_evolution says so; a refused replace leaves the table exactly as it was.
/// </summary>
public sealed class ReplaceDefinitionTests : IAsyncLifetime
{
    private const string Definition = "id integer NOT NULL\ncode character varying(10) NOT NULL\namount numeric(12,2)";
    private readonly TestProject _project = new();
    private PgDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await PgDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml());
        await _db.ExecuteAsync("CREATE TABLE t (id integer PRIMARY KEY, code varchar(10) NOT NULL, amount numeric(12,2)); INSERT INTO t VALUES (1, 'a', 1.50), (2, 'b', 2.50)");
    }

    private async Task<Sluice.Execution.RunResult> ReplaceAsync(string csv, string policy = "fail")
    {
        _project.Write("pipeline.yaml", $$$"""
            name: replaces
            defaults: { retries: 0 }
            tasks:
              extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
              load: { sink: postgres, input: raw, with: { connection: wh, table: t, mode: replace, schema_evolution: {{{policy}}} } }
            """);
        _project.Write("in/2024-03-01.csv", csv);
        return await _project.RunAsync();
    }

    /// <summary>The table's columns in order, as "name type [NOT NULL]", one a line.</summary>
    private async Task<string> DefinitionAsync() =>
        string.Join('\n', (await _db.QueryAsync("SELECT a.attname || ' ' || format_type(a.atttypid, a.atttypmod) || CASE WHEN a.attnotnull THEN ' NOT NULL' ELSE '' END FROM pg_attribute a WHERE a.attrelid = 't'::regclass AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum")).Select(r => (string)r[0]!));

    private Task<long> PrimaryKeysAsync() =>
        _db.ScalarAsync<long>("SELECT count(*) FROM pg_constraint WHERE conrelid = 't'::regclass AND contype = 'p'");

    [Fact]
    public async Task The_same_columns_keep_the_primary_key_integer_and_varchar_10()
    {
        var result = await ReplaceAsync("id,code,amount\n3,c,3.25\n");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal("(3,c,3.25)", await _db.SnapshotAsync("t"));
        Assert.Equal(Definition, await DefinitionAsync());
        Assert.Equal(1L, await PrimaryKeysAsync());
    }

    [Theory]
    [InlineData("fail")]
    [InlineData("add_columns")]
    public async Task A_removed_column_is_refused_and_the_table_is_unchanged(string policy)
    {
        var result = await ReplaceAsync("id,code\n3,c\n", policy);

        Assert.False(result.Succeeded);
        Assert.Contains("the dataset has no column 'amount' of table public.t, so mode 'replace' would leave it empty in every row", result.Run.Error);
        Assert.Contains("schema_evolution: recreate", result.Run.Error);
        Assert.Equal("(1,a,1.50)\n(2,b,2.50)", await _db.SnapshotAsync("t"));
        Assert.Equal(Definition, await DefinitionAsync());
        Assert.Equal(1L, await PrimaryKeysAsync());
    }

    [Fact]
    public async Task An_added_column_is_refused_with_fail_and_the_table_is_unchanged()
    {
        var result = await ReplaceAsync("id,code,amount,extra\n3,c,3.25,x\n");

        Assert.False(result.Succeeded);
        Assert.Contains("the dataset no longer matches table public.t: + extra VARCHAR (would be text)", result.Run.Error);
        Assert.Equal("(1,a,1.50)\n(2,b,2.50)", await _db.SnapshotAsync("t"));
        Assert.Equal(Definition, await DefinitionAsync());
    }

    [Fact]
    public async Task An_added_column_is_added_with_add_columns_and_the_rest_of_the_definition_kept()
    {
        var result = await ReplaceAsync("id,code,amount,extra\n3,c,3.25,x\n", "add_columns");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal("(3,c,3.25,x)", await _db.SnapshotAsync("t"));
        Assert.Equal(Definition + "\nextra text", await DefinitionAsync());
        Assert.Equal(1L, await PrimaryKeysAsync());
    }

    [Fact]
    public async Task A_value_the_kept_definition_cannot_hold_fails_and_changes_nothing()
    {
        var result = await ReplaceAsync("id,code,amount\n3,much too long for ten,3.25\n");

        Assert.False(result.Succeeded);
        Assert.Contains("value too long for type character varying(10)", result.Run.Error);
        Assert.Equal("(1,a,1.50)\n(2,b,2.50)", await _db.SnapshotAsync("t"));
        Assert.Equal(Definition, await DefinitionAsync());
    }

    [Theory]
    [InlineData("id,code\n3,c\n", "id bigint\ncode text", "(3,c)")]
    [InlineData("id,code,amount,extra\n3,c,3.25,x\n", "id bigint\ncode text\namount double precision\nextra text", "(3,c,3.25,x)")]
    public async Task Recreate_rebuilds_the_table_from_the_dataset_as_asked(string csv, string definition, string rows)
    {
        var result = await ReplaceAsync(csv, "recreate");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(rows, await _db.SnapshotAsync("t"));
        Assert.Equal(definition, await DefinitionAsync());
        Assert.Equal(0L, await PrimaryKeysAsync());
    }

    [Fact]
    public async Task Recreate_with_another_mode_fails_validation()
    {
        _project.Write("pipeline.yaml", """
            name: replaces
            tasks:
              extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
              load: { sink: postgres, input: raw, with: { connection: wh, table: t, mode: append, schema_evolution: recreate } }
            """);

        var error = await Assert.ThrowsAsync<Sluice.Validation.PipelineValidationException>(() => _project.RunAsync());

        Assert.Contains("schema_evolution: recreate rebuilds the table, which only mode 'replace' may do (the mode is 'append')", error.Message);
        Assert.Equal("(1,a,1.50)\n(2,b,2.50)", await _db.SnapshotAsync("t"));
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }
}
