using Microsoft.Data.Sqlite;
using Sluice.Connectors.Postgres.Tests.Infrastructure;
using Sluice.Incremental;
using Sluice.Metadata.Sqlite;
using Sluice.State;

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
    public async Task A_queued_run_reads_from_the_watermark_and_the_worker_that_runs_the_load_commits_it()
    {
        Source("INSERT INTO items VALUES (1, 'a', '2024-01-02 10:00:00'), (2, 'b', '2024-01-03 10:00:00')");
        await using var queued = await QueuedAsync();

        var first = await queued.RunAsync("2024-03-01");
        Assert.Equal(2, Read(first));
        var committed = (await WatermarkAsync())!;
        Assert.Equal(("2024-01-03 10:00:00", first.Run.Id), (committed.Value.Text, committed.RunId));

        // A tie with the watermark and a newer row: the next queued run starts from the stored watermark.
        Source("INSERT INTO items VALUES (3, 'c', '2024-01-03 10:00:00'), (4, 'd', '2024-01-04 00:00:00')");
        var second = await queued.RunAsync("2024-03-02");

        Assert.Equal(3, Read(second)); // 2 again (the tie, merged by key), 3 and 4
        Assert.Equal(["1|a", "2|b", "3|c", "4|d"], Target());
        Assert.Equal("2024-01-04 00:00:00", (await WatermarkAsync())!.Value.Text);
        Assert.Empty(await queued.Store.ListHeldCursorsAsync("inc", CancellationToken.None));
    }

    [Fact]
    public async Task A_queued_run_whose_load_fails_leaves_the_watermark_and_the_next_run_reads_the_rows_again()
    {
        Source("INSERT INTO items VALUES (1, 'a', '2024-01-02 10:00:00')");
        await using var queued = await QueuedAsync();
        await queued.RunAsync("2024-03-01");
        var before = await WatermarkAsync();
        Source("CREATE TABLE dup (id INTEGER, v TEXT, updated_at TEXT); INSERT INTO dup VALUES (2, 'x', '2024-01-05 00:00:00'), (2, 'y', '2024-01-05 00:00:00')");
        Pipeline(query: "SELECT id, v, updated_at FROM items UNION ALL SELECT id, v, updated_at FROM dup");

        var failed = await queued.RunAsync("2024-03-02", succeeds: false);

        Assert.Equal(TaskState.Failed, failed.Tasks.Single(t => t.TaskId == "load").State);
        Assert.Equal(before, await WatermarkAsync());
        var held = Assert.Single(await queued.Store.ListHeldCursorsAsync("inc", CancellationToken.None));
        Assert.Equal((failed.Run.Id, "2024-01-05 00:00:00"), (held.RunId, held.Next.Text)); // held, never committed

        Source("DELETE FROM dup WHERE v = 'x'");
        var retried = await queued.RunAsync("2024-03-03");
        Assert.Equal(2, Read(retried));
        Assert.Equal(["1|a", "2|y"], Target());
        Assert.Equal("2024-01-05 00:00:00", (await WatermarkAsync())!.Value.Text);
        Assert.Empty(await queued.Store.ListHeldCursorsAsync("inc", CancellationToken.None)); // the failed run's is superseded
    }

    [Fact]
    public async Task A_queued_full_refresh_is_refused_before_anything_is_queued()
    {
        Source("INSERT INTO items VALUES (1, 'a', '2024-01-02 10:00:00')");
        var pipeline = Yaml.PipelineYamlLoader.LoadFile(_project.PathOf("pipeline.yaml"));
        await using var store = await SqliteMetadataStore.OpenAsync(_project.MetadataFile);
        var runner = Cli.SluiceHost.Runner(Cli.SluiceHost.Catalog(), store, _project.StateDirectory);

        var refused = await Assert.ThrowsAsync<SluiceException>(() =>
            runner.RunAsync(pipeline, new Execution.RunRequest { LogicalDate = new DateOnly(2024, 3, 1), Queued = true, Cursors = new CursorRequest { FullRefresh = true } }));

        Assert.Contains("--full-refresh and --cursor-from/--cursor-to apply to the run in this process", refused.Message);
        Assert.Empty(await store.ListRunsAsync("inc", 10, CancellationToken.None));
        Assert.Null(await WatermarkAsync());
    }

    [Fact]
    public async Task A_resumed_run_that_reuses_the_extract_commits_the_watermark_it_read_once_its_load_succeeds()
    {
        Source("INSERT INTO items VALUES (1, 'a', '2024-01-02 10:00:00'), (2, 'b', '2024-01-03 10:00:00')");
        // The target's folder is a file: the load fails after the extract succeeded.
        _project.Write("connections.yaml", "connections:\n  src: { type: sqlite, path: data/source.db }\n  dst: { type: sqlite, path: blocked/target.db }\n");
        _project.Write("blocked", "not a folder");
        var failed = await _project.RunAsync("2024-03-01");
        Assert.False(failed.Succeeded);
        Assert.Null(await WatermarkAsync());

        File.Delete(_project.PathOf("blocked"));
        var pipeline = Yaml.PipelineYamlLoader.LoadFile(_project.PathOf("pipeline.yaml"));
        await using var store = await SqliteMetadataStore.OpenAsync(_project.MetadataFile);
        var runner = Cli.SluiceHost.Runner(Cli.SluiceHost.Catalog(), store, _project.StateDirectory);
        var resumed = await runner.RunAsync(pipeline, new Execution.RunRequest { LogicalDate = new DateOnly(2024, 3, 1), Resume = true });

        Assert.True(resumed.Succeeded, resumed.Run.Error);
        Assert.True(resumed.Tasks.Single(t => t.TaskId == "extract").Reused);
        var committed = (await store.GetCursorAsync("inc", "extract", CancellationToken.None))!;
        Assert.Equal(("2024-01-03 10:00:00", resumed.Run.Id), (committed.Value.Text, committed.RunId));
        Assert.Equal(["1|a", "2|b"], Testing.SqliteRows.Read(_project.PathOf("blocked/target.db"), "SELECT id, v FROM items ORDER BY id"));
    }

    /// <summary>Queued runs of pipeline.yaml (reloaded per run) and two in-process workers on the same state folder.</summary>
    private async Task<QueuedRuns> QueuedAsync()
    {
        var store = await SqliteMetadataStore.OpenAsync(_project.MetadataFile);
        return new QueuedRuns(store, _project);
    }

    private sealed class QueuedRuns : IAsyncDisposable
    {
        private readonly TestProject _project;
        private readonly CancellationTokenSource _stop = new();
        private readonly List<Task> _workers = [];

        public QueuedRuns(SqliteMetadataStore store, TestProject project)
        {
            Store = store;
            _project = project;
            var catalog = Cli.SluiceHost.Catalog();
            foreach (var name in new[] { "w1", "w2" })
            {
                var worker = new Queue.TaskWorker(catalog, store, store, project.StateDirectory, new Queue.WorkerOptions { Name = name }, resolvePipeline: _ => Yaml.PipelineYamlLoader.LoadFile(project.PathOf("pipeline.yaml")));
                _workers.Add(worker.RunAsync(_stop.Token));
            }
        }

        public SqliteMetadataStore Store { get; }

        public async Task<Execution.RunResult> RunAsync(string date, bool succeeds = true)
        {
            var pipeline = Yaml.PipelineYamlLoader.LoadFile(_project.PathOf("pipeline.yaml"));
            var runner = Cli.SluiceHost.Runner(Cli.SluiceHost.Catalog(), Store, _project.StateDirectory);
            var result = await runner.RunAsync(pipeline, new Execution.RunRequest { LogicalDate = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), Queued = true });
            Assert.True(result.Succeeded == succeeds, result.Run.Error ?? "the run should have failed");
            return result;
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            await Task.WhenAll(_workers);
            await Store.DisposeAsync();
        }
    }

    public void Dispose() => _project.Dispose();
}
