using Microsoft.Data.Sqlite;
using Sluice.Connectors.Postgres.Tests.Infrastructure;
using Sluice.Incremental;
using Sluice.Metadata.Sqlite;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>
/// Incremental reads from a SQLite source into a SQLite table upserted by key: only rows past the
/// watermark are read, ties and lookback are read again and merged by key, and the watermark moves
/// only when the load committed.
/// </summary>
public sealed class IncrementalSqliteTests : IDisposable
{
    private readonly TestProject _project = new();

    public IncrementalSqliteTests()
    {
        _project.Write("connections.yaml", "connections:\n  src: { type: sqlite, path: data/source.db }\n  dst: { type: sqlite, path: data/target.db }\n");
        Source("CREATE TABLE items (id INTEGER PRIMARY KEY, v TEXT, updated_at TEXT)");
        Pipeline();
    }

    private void Pipeline(string incremental = "{ cursor: updated_at, initial: 2024-01-01, primary_key: [id] }", string query = "SELECT id, v, updated_at FROM items", string mode = "mode: upsert, key: id") =>
        _project.Write("pipeline.yaml", $$"""
            name: inc
            defaults: { retries: 0 }
            tasks:
              extract:
                source: sqlite
                output: items
                on_empty: ok
                incremental: {{incremental}}
                with: { connection: src, query: "{{query}}" }
              load: { sink: sqlite, input: items, on_empty: ok, with: { connection: dst, table: items, {{mode}} } }
            """);

    private void Source(string sql) => Execute(_project.PathOf("data/source.db"), sql);

    private static void Execute(string file, string sql)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        using var connection = new SqliteConnection($"Data Source={file};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        command.ExecuteNonQuery();
    }

    private List<string> Target() => Testing.SqliteRows.Read(_project.PathOf("data/target.db"), "SELECT id, v FROM items ORDER BY id");

    private async Task<CursorState?> WatermarkAsync()
    {
        await using var store = await SqliteMetadataStore.OpenAsync(_project.MetadataFile);
        return await store.GetCursorAsync("inc", "extract", CancellationToken.None);
    }

    private static long Read(Execution.RunResult result) => result.Tasks.Single(t => t.TaskId == "extract").RowsRead;

    [Fact]
    public async Task Reads_only_rows_from_the_watermark_on_and_merges_ties_and_updates_by_key()
    {
        Source("INSERT INTO items VALUES (1, 'a', '2024-01-02 10:00:00'), (2, 'b', '2024-01-02 10:00:00'), (3, 'c', '2024-01-03 09:00:00'), (9, 'old', '2023-12-31 23:00:00')");
        var first = await _project.RunOkAsync("2024-03-01");
        Assert.Equal(3, Read(first));
        Assert.Equal(["1|a", "2|b", "3|c"], Target());
        Assert.Equal(new CursorValue(CursorKind.Text, "2024-01-03 09:00:00"), (await WatermarkAsync())!.Value);

        // Committed after the first run read: a row in the same instant as the watermark (a tie), an
        // update, and a late row older than the watermark (found only with lookback).
        Source("INSERT INTO items VALUES (4, 'd', '2024-01-03 09:00:00'), (5, 'late', '2024-01-03 08:30:00'); UPDATE items SET v = 'A', updated_at = '2024-01-04 00:00:00' WHERE id = 1");
        var second = await _project.RunOkAsync("2024-03-02");

        Assert.Equal(3, Read(second)); // 3 again (the tie, deduplicated by the upsert), 4 and the updated 1
        Assert.Equal(["1|A", "2|b", "3|c", "4|d"], Target());
        Assert.Equal("2024-01-04 00:00:00", (await WatermarkAsync())!.Value.Text);

        Pipeline("{ cursor: updated_at, initial: 2024-01-01, lookback: 1h, primary_key: [id] }");
        await _project.RunOkAsync("2024-03-03");
        Assert.DoesNotContain("5|late", Target()); // 08:30 is more than 1h before 2024-01-04 00:00
        await ReplayAsync("2024-01-03 08:00:00", "2024-01-03 09:00:00");
        Assert.Equal(["1|A", "2|b", "3|c", "4|d", "5|late"], Target());
        Assert.Equal("2024-01-04 00:00:00", (await WatermarkAsync())!.Value.Text); // a replay leaves the watermark
    }

    private async Task ReplayAsync(string from, string to)
    {
        var result = await _project.RunAsync("2024-03-04", cursors: new CursorRequest { ReplayFrom = new CursorValue(CursorKind.Text, from), ReplayTo = new CursorValue(CursorKind.Text, to) });
        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(3, Read(result)); // 5 (08:30), 3 and 4 (09:00)
    }

    [Fact]
    public async Task A_failed_load_leaves_the_watermark_and_the_next_run_reads_the_rows_again()
    {
        Source("INSERT INTO items VALUES (1, 'a', '2024-01-02 10:00:00')");
        await _project.RunOkAsync("2024-03-01");
        var before = await WatermarkAsync();

        // Two rows with one key: the upsert refuses the load, so nothing of this read may count as loaded.
        Source("CREATE TABLE dup (id INTEGER, v TEXT, updated_at TEXT); INSERT INTO dup VALUES (2, 'x', '2024-01-05 00:00:00'), (2, 'y', '2024-01-05 00:00:00')");
        Pipeline(query: "SELECT id, v, updated_at FROM items UNION ALL SELECT id, v, updated_at FROM dup");
        var failed = await _project.RunAsync("2024-03-02");

        Assert.False(failed.Succeeded);
        Assert.Equal(before, await WatermarkAsync());
        Assert.Equal(["1|a"], Target());

        Source("DELETE FROM dup WHERE v = 'x'");
        var retried = await _project.RunOkAsync("2024-03-03");
        Assert.Equal(2, Read(retried)); // the boundary row 1 and the row the failed load did not commit
        Assert.Equal(["1|a", "2|y"], Target());
        Assert.Equal("2024-01-05 00:00:00", (await WatermarkAsync())!.Value.Text);
    }

    [Fact]
    public async Task Rows_with_a_null_cursor_are_never_read_and_do_not_move_the_watermark()
    {
        Source("INSERT INTO items VALUES (1, 'a', '2024-01-02 10:00:00'), (2, 'no cursor', NULL)");
        Pipeline("{ cursor: updated_at, primary_key: [id] }"); // no initial: every row with a value

        var result = await _project.RunOkAsync("2024-03-01");

        Assert.Equal(1, Read(result));
        Assert.Equal(["1|a"], Target());
        Assert.Equal("2024-01-02 10:00:00", (await WatermarkAsync())!.Value.Text);
    }

    [Fact]
    public async Task A_missing_cursor_column_fails_naming_the_columns_present_and_loads_nothing()
    {
        Source("INSERT INTO items VALUES (1, 'a', '2024-01-02 10:00:00')");
        Pipeline("{ cursor: updatd_at, initial: 2024-01-01 }");

        var error = await _project.RunFailsAsync("2024-03-01");

        Assert.Contains("unknown column 'updatd_at' in the rows the source returns. Did you mean 'updated_at'? Valid: id, updated_at, v.", error);
        Assert.Contains("pipeline.yaml:8:18", error);
        Assert.False(File.Exists(_project.PathOf("data/target.db")) && Target().Count > 0);
        Assert.Null(await WatermarkAsync());
    }

    [Fact]
    public async Task Full_refresh_reads_from_initial_whatever_the_watermark()
    {
        Source("INSERT INTO items VALUES (1, 'a', '2024-01-02 10:00:00'), (2, 'b', '2024-01-03 10:00:00')");
        await _project.RunOkAsync("2024-03-01");
        var again = await _project.RunOkAsync("2024-03-02");
        Assert.Equal(1, Read(again)); // the boundary row only

        var full = await _project.RunAsync("2024-03-03", cursors: new CursorRequest { FullRefresh = true });

        Assert.True(full.Succeeded, full.Run.Error);
        Assert.Equal(2, Read(full));
        Assert.Equal(["1|a", "2|b"], Target());
    }

    [Fact]
    public async Task A_queued_run_refuses_an_incremental_source_at_its_key_and_records_nothing()
    {
        Source("INSERT INTO items VALUES (1, 'a', '2024-01-02 10:00:00')");
        var pipeline = Yaml.PipelineYamlLoader.LoadFile(_project.PathOf("pipeline.yaml"));
        await using var store = await SqliteMetadataStore.OpenAsync(_project.MetadataFile);
        var runner = Cli.SluiceHost.Runner(Cli.SluiceHost.Catalog(), store, _project.StateDirectory);

        var refused = await Assert.ThrowsAsync<Validation.PipelineValidationException>(() =>
            runner.RunAsync(pipeline, new Execution.RunRequest { LogicalDate = new DateOnly(2024, 3, 1), Queued = true }));

        Assert.Contains("pipeline.yaml:8:18: task 'extract' is incremental, and a run through workers cannot commit its watermark yet", refused.Message);
        Assert.Contains("Run this pipeline without --queue", refused.Message);
        Assert.Empty(await store.ListRunsAsync("inc", 10, CancellationToken.None));
        Assert.Null(await WatermarkAsync());
        Assert.False(File.Exists(_project.PathOf("data/target.db")));
    }

    public void Dispose() => _project.Dispose();
}
