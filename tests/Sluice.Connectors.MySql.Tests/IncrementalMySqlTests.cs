using Sluice.Connectors.MySql.Tests.Infrastructure;
using Sluice.Incremental;
using Sluice.Testing;

namespace Sluice.Connectors.MySql.Tests;

/// <summary>
/// Incremental reads from MariaDB into a MariaDB table upserted by key, as the PostgreSQL and SQLite
/// tests do: DATETIME, TIMESTAMP and integer cursors to the microsecond, ties and lookback read again
/// and merged by key, NULL cursors never read, the bounds bound as parameters, and the bad inputs.
/// </summary>
public sealed class IncrementalMySqlTests : IAsyncLifetime
{
    private readonly TestProject _project = new();
    private MyDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await MyDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml());
        await _db.ExecuteAsync("CREATE TABLE orders (id INT PRIMARY KEY, v VARCHAR(20), dt DATETIME(6) NULL, ts TIMESTAMP(6) NULL, n BIGINT NULL, code VARCHAR(20) NULL)");
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }

    private void Pipeline(string incremental, string read = "table: orders") => _project.Write("pipeline.yaml", $$"""
        name: my_inc
        defaults: { retries: 0 }
        tasks:
          extract:
            source: mysql
            output: orders
            on_empty: ok
            incremental: {{incremental}}
            with: { connection: wh, {{read}} }
          load: { sink: mysql, input: orders, on_empty: ok, with: { connection: wh, table: copy, mode: upsert, key: [id] } }
        """);

    /// <summary>Rows written in UTC, the session zone Sluice reads TIMESTAMP columns in.</summary>
    private Task SourceAsync(string sql) => _db.ExecuteAsync("SET time_zone = '+00:00'; " + sql);

    private async Task<List<string>> TargetAsync() => (await _db.QueryAsync("SELECT id, v FROM copy ORDER BY id")).Select(r => $"{r[0]}|{r[1]}").ToList();

    private Task<CursorState?> WatermarkAsync() => _project.WatermarkAsync("my_inc", "extract");

    private static long Read(Execution.RunResult result) => result.Tasks.Single(t => t.TaskId == "extract").RowsRead;

    [Theory]
    [InlineData("dt", "2024-01-01", CursorKind.Timestamp, "2024-01-03T09:00:00.123456", "2024-01-05T00:00:00")]
    [InlineData("ts", "2024-01-01T00:00:00Z", CursorKind.TimestampTz, "2024-01-03T09:00:00.123456Z", "2024-01-05T00:00:00Z")]
    [InlineData("n", "0", CursorKind.Integer, "20", "30")]
    public async Task Ties_at_the_watermark_are_read_again_and_merged_by_key_to_the_microsecond(string cursor, string initial, CursorKind kind, string watermark, string next)
    {
        Pipeline($"{{ cursor: {cursor}, initial: \"{initial}\", primary_key: [id] }}");
        await SourceAsync("""
            INSERT INTO orders (id, v, dt, ts, n) VALUES (1, 'a', '2024-01-02 10:00', '2024-01-02 10:00', 10), (2, 'b', '2024-01-03 09:00:00.123456', '2024-01-03 09:00:00.123456', 20),
                                                        (3, 'old', '2023-12-31 00:00', '2023-12-31 00:00', -5);
            """);
        Assert.Equal(2, Read(await _project.RunOkAsync("2024-03-01"))); // 'initial' leaves 3 out
        Assert.Equal(new CursorValue(kind, watermark), (await WatermarkAsync())!.Value);

        // Committed later: a row with the watermark's own value (a tie), one just below it, and an update.
        await SourceAsync("""
            INSERT INTO orders (id, v, dt, ts, n) VALUES (4, 'tie', '2024-01-03 09:00:00.123456', '2024-01-03 09:00:00.123456', 20), (5, 'before', '2024-01-03 09:00:00.123455', '2024-01-03 09:00:00.123455', 19);
            UPDATE orders SET v = 'A', dt = '2024-01-05 00:00', ts = '2024-01-05 00:00', n = 30 WHERE id = 1;
            """);
        var second = await _project.RunOkAsync("2024-03-02");

        Assert.Equal(3, Read(second)); // 2 again (the tie, merged by key), 4 and 1; never 5
        Assert.Equal(["1|A", "2|b", "4|tie"], await TargetAsync());
        Assert.Equal(new CursorValue(kind, next), (await WatermarkAsync())!.Value);
    }

    [Fact]
    public async Task Lookback_reads_late_rows_again_and_a_replay_leaves_the_watermark()
    {
        Pipeline("{ cursor: dt, initial: 2024-01-01, lookback: 1h, primary_key: [id] }");
        await SourceAsync("INSERT INTO orders (id, v, dt) VALUES (1, 'a', '2024-01-02 10:00')");
        await _project.RunOkAsync("2024-03-01");

        // Committed late, stamped before the watermark: 09:30 is inside the hour, 08:00 is not.
        await SourceAsync("INSERT INTO orders (id, v, dt) VALUES (2, 'late', '2024-01-02 09:30'), (3, 'later', '2024-01-02 08:00')");
        var second = await _project.RunOkAsync("2024-03-02");

        Assert.Equal(2, Read(second)); // 1 again (merged by key) and 2
        Assert.Equal(["1|a", "2|late"], await TargetAsync());

        var replay = await _project.RunAsync("2024-03-03", cursors: new CursorRequest { ReplayFrom = CursorValue.Parse("2024-01-02 07:00:00"), ReplayTo = CursorValue.Parse("2024-01-02 09:30:00") });
        Assert.True(replay.Succeeded, replay.Run.Error);
        Assert.Equal(2, Read(replay)); // 3 and 2, within the inclusive range
        Assert.Equal(["1|a", "2|late", "3|later"], await TargetAsync());
        Assert.Equal(new CursorValue(CursorKind.Timestamp, "2024-01-02T10:00:00"), (await WatermarkAsync())!.Value);
    }

    [Fact]
    public async Task Rows_with_a_null_cursor_are_never_read_and_do_not_move_the_watermark()
    {
        Pipeline("{ cursor: dt, primary_key: [id] }"); // no initial: every row with a value
        await SourceAsync("INSERT INTO orders (id, v, dt, n) VALUES (1, 'a', '2024-01-02 10:00', NULL), (2, 'no cursor', NULL, 99)");

        var result = await _project.RunOkAsync();

        Assert.Equal(1, Read(result));
        Assert.Equal(["1|a"], await TargetAsync());
        Assert.Equal(new CursorValue(CursorKind.Timestamp, "2024-01-02T10:00:00"), (await WatermarkAsync())!.Value);
    }

    [Theory]
    [InlineData("table: orders", "Valid: code, dt, id, n, ts, v.")]
    [InlineData("query: \"SELECT id, v, dt AS updated_at FROM orders\"", "Did you mean 'updated_at'? Valid: id, updated_at, v.")]
    public async Task A_missing_cursor_column_fails_naming_the_columns_present_and_loads_nothing(string read, string suggestion)
    {
        await SourceAsync("INSERT INTO orders (id, v, dt) VALUES (1, 'a', '2024-01-02 10:00')");
        Pipeline("{ cursor: updatd_at, initial: 2024-01-01 }", read);

        var error = await _project.RunFailsAsync();

        var expected = "pipeline.yaml:8:18): unknown column 'updatd_at' in the rows the source returns. " + suggestion;
        Assert.True(error.Contains(expected, StringComparison.Ordinal) && error.EndsWith("Nothing was read.", StringComparison.Ordinal), error);
        Assert.False(await _db.TableExistsAsync("copy"));
        Assert.Null(await WatermarkAsync());
    }

    [Fact]
    public async Task A_failed_load_leaves_the_watermark_and_the_next_run_reads_the_rows_again()
    {
        await SourceAsync("INSERT INTO orders (id, v, dt) VALUES (1, 'a', '2024-01-02 10:00'); CREATE TABLE dup (id INT, v VARCHAR(20), dt DATETIME(6)); INSERT INTO dup VALUES (2, 'x', '2024-01-05 00:00'), (2, 'y', '2024-01-05 00:00')");
        Pipeline("{ cursor: dt, initial: 2024-01-01, primary_key: [id] }", "query: \"SELECT id, v, dt FROM orders\"");
        await _project.RunOkAsync("2024-03-01");
        var before = await WatermarkAsync();

        // Two rows with one key: the upsert refuses the load, so nothing of this read may count as loaded.
        Pipeline("{ cursor: dt, initial: 2024-01-01, primary_key: [id] }", "query: \"SELECT id, v, dt FROM orders UNION ALL SELECT id, v, dt FROM dup\"");
        var failed = await _project.RunAsync("2024-03-02");
        Assert.False(failed.Succeeded);
        Assert.Equal(before, await WatermarkAsync());
        Assert.Equal(["1|a"], await TargetAsync());

        await SourceAsync("DELETE FROM dup WHERE v = 'x'");
        var retried = await _project.RunOkAsync("2024-03-03");
        Assert.Equal(2, Read(retried)); // the boundary row 1 and the row the failed load did not commit
        Assert.Equal(["1|a", "2|y"], await TargetAsync());
        Assert.Equal(new CursorValue(CursorKind.Timestamp, "2024-01-05T00:00:00"), (await WatermarkAsync())!.Value);
    }

    [Fact]
    public async Task The_bound_is_a_parameter_beside_the_querys_own_templates()
    {
        // A text watermark with a quote and a backslash: pasted into the SQL it would break the statement.
        // The query's own template sits inside a string, the form MySQL concatenates under PIPES_AS_CONCAT.
        await SourceAsync(@"INSERT INTO orders (id, v, code) VALUES (1, 'a', 'k''1'), (2, 'b', 'k\\2'), (3, 'c', 'j9')");
        Pipeline("{ cursor: code, primary_key: [id] }", "query: \"SELECT id, v, code FROM orders WHERE v <> 'x{{ ds }}'\"");
        Assert.Equal(3, Read(await _project.RunOkAsync("2024-03-01")));
        Assert.Equal(@"k\2", (await WatermarkAsync())!.Value.Text);

        await SourceAsync(@"INSERT INTO orders (id, v, code) VALUES (4, 'd', 'k\\3')");
        var second = await _project.RunOkAsync("2024-03-02");

        Assert.Equal(2, Read(second)); // the tie 'k\2' and 'k\3'
        Assert.Equal(@"k\3", (await WatermarkAsync())!.Value.Text);
    }
}
