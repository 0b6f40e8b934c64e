using Sluice.Connectors.MySql.Tests.Infrastructure;
using Sluice.Testing;

namespace Sluice.Connectors.MySql.Tests;

/// <summary>sink: mysql on a real MariaDB: table creation, every load mode, and loads that fail leaving nothing behind.</summary>
public sealed class SinkTests : IAsyncLifetime
{
    private readonly TestProject _project = new();
    private MyDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await MyDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml());
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }

    private void Pipeline(string with, string table = "t") => _project.Write("pipeline.yaml", $$$"""
        name: loads
        defaults: { retries: 0 }
        tasks:
          extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
          load: { sink: mysql, input: raw, with: { connection: wh, table: {{{table}}}, {{{with}}} } }
        """);

    private async Task LoadAsync(string date, string csv)
    {
        _project.Write($"in/{date}.csv", csv);
        await _project.RunOkAsync(date);
    }

    private async Task<string> LoadFailsAsync(string date, string csv)
    {
        _project.Write($"in/{date}.csv", csv);
        return await _project.RunFailsAsync(date);
    }

    [Fact]
    public async Task Append_creates_the_missing_table_then_adds_rows()
    {
        Pipeline("mode: append");
        await LoadAsync("2024-03-01", "id,v,amount,day\n1,a,1.5,2024-03-01\n");
        await LoadAsync("2024-03-02", "id,v,amount,day\n2,,2.25,2024-03-02\n");

        Assert.Equal("1|a|1.5|2024-03-01 00:00:00\n2|∅|2.25|2024-03-02 00:00:00", await _db.SnapshotAsync("t"));
        var types = await _db.QueryAsync($"SELECT COLUMN_TYPE FROM information_schema.COLUMNS WHERE TABLE_SCHEMA = '{_db.Name}' AND TABLE_NAME = 't' ORDER BY ORDINAL_POSITION");
        Assert.Equal(["bigint(20)", "longtext", "double", "date"], types.Select(t => (string)t[0]!));
    }

    [Fact]
    public async Task Every_source_type_round_trips_through_a_created_table()
    {
        await _db.ExecuteAsync("""
            CREATE TABLE src (id INT PRIMARY KEY, uti TINYINT UNSIGNED, ub BIGINT UNSIGNED, flag BOOLEAN, d30 DECIMAL(30,5), d10 DECIMAL(10,2), f DOUBLE,
              dt DATE, dtm DATETIME(6), ts TIMESTAMP(6) NULL, tm TIME(6), bl BLOB, s VARCHAR(40));
            INSERT INTO src VALUES (1, 255, 18446744073709551615, TRUE, 1234567890123456789012345.12345, -0.01, 0.1,
              '2024-02-29', '2024-03-01 10:11:12.123456', '2024-03-01 23:30:00.5', '08:09:10.25', x'00FF0A2C22', 'quote " comma , tab \t back \\ nl \n é');
            INSERT INTO src (id) VALUES (2);
            """);
        _project.Write("pipeline.yaml", """
            name: trip
            defaults: { retries: 0 }
            tasks:
              extract: { source: mysql, output: raw, with: { connection: wh, table: src } }
              load: { sink: mysql, input: raw, with: { connection: wh, table: dst } }
            """);

        await _project.RunOkAsync();

        Assert.Equal(await _db.SnapshotAsync("src"), await _db.SnapshotAsync("dst"));
    }

    [Fact]
    public async Task Replace_swaps_the_whole_table_and_keeps_its_definition()
    {
        Pipeline("mode: replace");
        await LoadAsync("2024-03-01", "id,v\n1,a\n2,b\n");
        await _db.ExecuteAsync("ALTER TABLE t ADD UNIQUE INDEX t_id (id)");
        await LoadAsync("2024-03-02", "id,v\n3,c\n");

        Assert.Equal("3|c", await _db.SnapshotAsync("t"));
        Assert.Single(await _db.QueryAsync($"SELECT 1 FROM information_schema.STATISTICS WHERE TABLE_SCHEMA = '{_db.Name}' AND TABLE_NAME = 't' AND INDEX_NAME = 't_id'"));
        Assert.False(await _db.TableExistsAsync("t__sluice_new"));
        Assert.False(await _db.TableExistsAsync("t__sluice_old"));
    }

    [Fact]
    public async Task Upsert_updates_matching_keys_and_adds_new_ones()
    {
        Pipeline("mode: upsert, key: [id, region]");
        await LoadAsync("2024-03-01", "id,region,v\n1,eu,a\n2,eu,b\n");
        await LoadAsync("2024-03-02", "id,region,v\n2,eu,B\n2,us,c\n");
        await LoadAsync("2024-03-02", "id,region,v\n2,eu,B\n2,us,c\n");

        Assert.Equal("1|eu|a\n2|eu|B\n2|us|c", await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task Delete_insert_replaces_the_input_partitions_only()
    {
        Pipeline("mode: delete_insert, partition_column: day");
        await LoadAsync("2024-03-01", "day,v\n2024-03-01,a\n2024-03-02,b\n");
        await LoadAsync("2024-03-02", "day,v\n2024-03-02,c\n");

        Assert.Equal("2024-03-01 00:00:00|a\n2024-03-02 00:00:00|c", await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task A_value_the_column_cannot_hold_fails_the_load_and_leaves_the_table_as_it_was()
    {
        await _db.ExecuteAsync("CREATE TABLE t (id INT NOT NULL, code VARCHAR(3)); INSERT INTO t VALUES (0, 'old')");
        Pipeline("mode: append");

        // Row 2 is fine, row 3 is too long: LOAD DATA LOCAL would keep row 2 and truncate row 3 with a warning.
        var error = await LoadFailsAsync("2024-03-01", "id,code\n1,abc\n2,abcdef\n");

        Assert.Contains("task 'load' loading", error, StringComparison.Ordinal);
        Assert.Contains("could not store", error, StringComparison.Ordinal);
        Assert.Contains("nothing was loaded", error, StringComparison.Ordinal);
        Assert.Equal("0|old", await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task A_failed_load_into_a_new_table_leaves_no_table()
    {
        Pipeline("mode: upsert, key: id");

        var error = await LoadFailsAsync("2024-03-01", "id,v\n1,a\n1,b\n");

        Assert.Contains("repeats keys", error, StringComparison.Ordinal);
        Assert.False(await _db.TableExistsAsync("t"));
    }

    [Fact]
    public async Task An_upsert_with_repeated_keys_changes_nothing()
    {
        Pipeline("mode: upsert, key: id");
        await LoadAsync("2024-03-01", "id,v\n1,a\n");

        var error = await LoadFailsAsync("2024-03-02", "id,v\n1,changed\n2,b\n2,c\n");

        Assert.Contains("needs one row per key (id), but the input repeats keys: 2 (2 rows)", error, StringComparison.Ordinal);
        Assert.Equal("1|a", await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task An_upsert_into_a_table_without_a_unique_key_says_how_to_add_one()
    {
        await _db.ExecuteAsync("CREATE TABLE t (id BIGINT, v LONGTEXT); INSERT INTO t VALUES (1, 'a')");
        Pipeline("mode: upsert, key: id");

        var error = await LoadFailsAsync("2024-03-01", "id,v\n1,b\n");

        Assert.Contains("ALTER TABLE `t` ADD UNIQUE (`id`)", error, StringComparison.Ordinal);
        Assert.Equal("1|a", await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task An_input_column_the_table_lacks_is_named()
    {
        await _db.ExecuteAsync("CREATE TABLE t (id BIGINT); INSERT INTO t VALUES (1)");
        Pipeline("mode: append");

        var error = await LoadFailsAsync("2024-03-01", "id,extra\n2,x\n");

        Assert.Contains("has no column 'extra' (it has id)", error, StringComparison.Ordinal);
        Assert.Equal("1", await _db.SnapshotAsync("t"));
    }

    [Fact]
    public async Task Scd2_is_refused_before_the_run()
    {
        Pipeline("mode: scd2, key: id");
        _project.Write("in/2024-03-01.csv", "id\n1\n");

        var result = await Record.ExceptionAsync(() => _project.RunAsync());

        Assert.NotNull(result);
        Assert.Contains("scd2", result.Message, StringComparison.Ordinal);
    }
}
