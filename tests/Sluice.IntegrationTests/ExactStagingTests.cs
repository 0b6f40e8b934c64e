using System.Globalization;
using System.Numerics;
using Sluice.Engine.DuckDb;

namespace Sluice.IntegrationTests;

/// <summary>
/// Parquet has no 128-bit integer, and DuckDB writes a HUGEINT to it as DOUBLE: every staging path
/// (SQL transforms, rows written from .NET) must keep such values exact, or fail saying so.
/// </summary>
public sealed class ExactStagingTests : IDisposable
{
    private readonly TestProject _project = new();

    [Fact]
    public async Task A_sum_of_integers_in_a_sql_transform_is_staged_and_loaded_as_an_exact_decimal()
    {
        // 2^53 + 1 has no DOUBLE: staged as DOUBLE it came back as 9007199254740992.
        _project.Write("in.csv", "v\n9007199254740991\n2\n");
        _project.Write("pipeline.yaml", """
            name: exact
            tasks:
              extract: { source: files, output: raw, with: { path: in.csv, columns: { v: BIGINT } } }
              total: { transform: sql, input: raw, output: totals, with: { sql: "SELECT sum(v) AS s, sum(v)::UHUGEINT AS u FROM raw" } }
              load: { sink: duckdb, input: totals, with: { database: wh.duckdb, table: totals, mode: replace } }
            """);

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01");

        Assert.True(result.Succeeded, result.Run.Error);
        var staged = Warehouse.InMemory();
        var path = _project.Staged("exact", "2024-03-01", "totals");
        Assert.Equal([("s", "DECIMAL(38,0)"), ("u", "DECIMAL(38,0)")], staged.Columns(Warehouse.Parquet(path)));
        Assert.Equal("9007199254740993|9007199254740993", Text(staged.Query($"SELECT s::VARCHAR || '|' || u::VARCHAR FROM ({Warehouse.Parquet(path)})")));
        var warehouse = _project.Warehouse("wh.duckdb");
        Assert.Equal("DECIMAL(38,0)", warehouse.Columns("SELECT s FROM totals").Single().Type);
        Assert.Equal("9007199254740993", Text(warehouse.Query("SELECT s::VARCHAR FROM totals")));
    }

    [Fact]
    public async Task A_hugeint_too_large_for_38_digits_fails_the_task_instead_of_becoming_a_double()
    {
        _project.Write("pipeline.yaml", """
            name: exact
            tasks:
              big: { transform: sql, output: big, with: { sql: "SELECT 170141183460469231731687303715884105727::HUGEINT AS h" } }
            """);

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01");

        var task = result.Tasks.Single();
        Assert.False(result.Succeeded);
        Assert.Contains("the SQL of task 'big' failed", task.Error);
        Assert.Contains("DECIMAL(38,0)", task.Error);
        Assert.False(File.Exists(_project.Staged("exact", "2024-03-01", "big")));
    }

    [Fact]
    public async Task Rows_written_from_dotnet_into_a_hugeint_column_are_staged_as_an_exact_decimal()
    {
        var path = _project.PathOf("huge.parquet");
        var big = BigInteger.Parse("12345678901234567890123456789012345678", CultureInfo.InvariantCulture);
        await using (var writer = await DatasetWriter.CreateAsync([("h", "HUGEINT"), ("tags", "HUGEINT[]")]))
        {
            writer.Append([big, null]);
            writer.Append([null, null]);
            await writer.CompleteAsync(path, CancellationToken.None);
        }

        var staged = Warehouse.InMemory();
        Assert.Equal([("h", "DECIMAL(38,0)"), ("tags", "DECIMAL(38,0)[]")], staged.Columns(Warehouse.Parquet(path)));
        Assert.Equal(big.ToString(CultureInfo.InvariantCulture), Text(staged.Query($"SELECT h::VARCHAR FROM ({Warehouse.Parquet(path)}) WHERE h IS NOT NULL")));
    }

    private static string Text(List<object?[]> rows) => string.Join('\n', rows.Select(r => string.Join('|', r)));

    public void Dispose() => _project.Dispose();
}
