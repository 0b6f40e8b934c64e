using Sluice.Connectors.Postgres.Tests.Infrastructure;
using Sluice.Incremental;
using Sluice.Metadata.Postgres;
using Sluice.Metadata.Sqlite;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>
/// Incremental reads from PostgreSQL into a PostgreSQL table upserted by key, with timestamptz and
/// timestamp cursors to the microsecond, and the watermark table of the PostgreSQL metadata store.
/// </summary>
public sealed class IncrementalPostgresTests : IAsyncLifetime
{
    private readonly TestProject _project = new();
    private PgDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await PgDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml());
        await _db.ExecuteAsync("CREATE TABLE orders (id int PRIMARY KEY, v text, updated_at timestamptz, local_at timestamp)");
    }

    private void Pipeline(string cursor, string read = "table: orders") => _project.Write("pipeline.yaml", $$"""
        name: pg_inc
        tasks:
          extract:
            source: postgres
            output: orders
            on_empty: ok
            incremental: { cursor: {{cursor}}, initial: "2024-01-01", primary_key: [id] }
            with: { connection: wh, {{read}} }
          load: { sink: postgres, input: orders, on_empty: ok, with: { connection: wh, table: copy, mode: upsert, key: [id] } }
        """);

    private async Task<CursorValue?> WatermarkAsync()
    {
        await using var store = await SqliteMetadataStore.OpenAsync(_project.MetadataFile);
        return (await store.GetCursorAsync("pg_inc", "extract", CancellationToken.None))?.Value;
    }

    private static long Read(Execution.RunResult result) => result.Tasks.Single(t => t.TaskId == "extract").RowsRead;

    [Theory]
    [InlineData("updated_at", CursorKind.TimestampTz, "2024-01-03T09:00:00.123456Z")]
    [InlineData("local_at", CursorKind.Timestamp, "2024-01-03T09:00:00.123456")]
    public async Task Ties_at_the_watermark_are_read_again_and_merged_by_key_to_the_microsecond(string cursor, CursorKind kind, string watermark)
    {
        Pipeline(cursor);
        await _db.ExecuteAsync("""
            INSERT INTO orders VALUES (1, 'a', '2024-01-02 10:00+00', '2024-01-02 10:00'), (2, 'b', '2024-01-03 09:00:00.123456+00', '2024-01-03 09:00:00.123456'),
                                      (3, 'old', '2023-12-31 00:00+00', '2023-12-31 00:00');
            """);
        Assert.Equal(2, Read(await _project.RunOkAsync("2024-03-01")));
        Assert.Equal(new CursorValue(kind, watermark), await WatermarkAsync());

        // A row committed later with the same cursor value (a tie), one a microsecond earlier, and an update.
        await _db.ExecuteAsync("""
            INSERT INTO orders VALUES (4, 'tie', '2024-01-03 09:00:00.123456+00', '2024-01-03 09:00:00.123456'), (5, 'before', '2024-01-03 09:00:00.123455+00', '2024-01-03 09:00:00.123455');
            UPDATE orders SET v = 'A', updated_at = '2024-01-05 00:00+00', local_at = '2024-01-05 00:00' WHERE id = 1;
            """);
        var second = await _project.RunOkAsync("2024-03-02");

        Assert.Equal(3, Read(second)); // 2 again (the tie merged by key), 4 and 1; never 5
        Assert.Equal(["1|A", "2|b", "4|tie"], (await _db.QueryAsync("SELECT id, v FROM copy ORDER BY id")).Select(r => $"{r[0]}|{r[1]}"));
        Assert.Equal(kind, (await WatermarkAsync())!.Kind);
    }

    [Fact]
    public async Task A_missing_cursor_column_names_the_columns_of_the_query()
    {
        Pipeline("changed_at", "query: \"SELECT id, v FROM orders\"");

        var error = await _project.RunFailsAsync("2024-03-01");

        Assert.Contains("unknown column 'changed_at' in the rows the source returns. Valid: id, v.", error);
        Assert.Null(await WatermarkAsync());
    }

    [Fact]
    public async Task The_postgres_metadata_store_keeps_watermarks_and_moves_them_only_from_the_value_read()
    {
        var settings = PostgresMetadataSettings.Parse($"Host={PgDatabase.Host};Port={PgDatabase.Port};Database={_db.Name};Username={PgDatabase.User};Password={PgDatabase.Password};Schema=meta", _ => null);
        await using var store = await PostgresMetadataStore.OpenAsync(settings);
        CursorState State(string value) => new() { Pipeline = "p", TaskId = "t", Column = "updated_at", Value = CursorValue.Parse(value), UpdatedAt = DateTimeOffset.UnixEpoch, RunId = 7 };

        Assert.True(await store.AdvanceCursorAsync(State("2024-01-01T00:00:00Z"), null, CancellationToken.None));
        Assert.False(await store.AdvanceCursorAsync(State("2024-01-09T00:00:00Z"), null, CancellationToken.None)); // another writer came first
        Assert.True(await store.AdvanceCursorAsync(State("2024-01-02T00:00:00Z"), CursorValue.Parse("2024-01-01T00:00:00Z"), CancellationToken.None));
        Assert.Equal("2024-01-02T00:00:00Z", (await store.GetCursorAsync("p", "t", CancellationToken.None))!.Value.Text);

        await store.SetCursorAsync(State("5"), CancellationToken.None);
        Assert.Equal(new CursorValue(CursorKind.Integer, "5"), (await store.ListCursorsAsync("p", null, CancellationToken.None)).Single().Value);
        Assert.Equal(1, await store.ResetCursorsAsync("p", "t", CancellationToken.None));
        Assert.Null(await store.GetCursorAsync("p", "t", CancellationToken.None));
    }

    public async Task DisposeAsync()
    {
        _project.Dispose();
        await _db.DisposeAsync();
    }
}
