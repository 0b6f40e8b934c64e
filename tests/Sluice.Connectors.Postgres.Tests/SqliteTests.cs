using Microsoft.Data.Sqlite;
using Sluice.Connectors.Postgres.Tests.Infrastructure;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>The SQLite source and sink: round trip, load modes, and a failed load that leaves the file unchanged.</summary>
public sealed class SqliteTests : IDisposable
{
    private readonly TestProject _project = new();

    public SqliteTests() => _project.Write("connections.yaml", "connections:\n  lite: { type: sqlite, path: data/app.db }\n");

    private string Database => _project.PathOf("data/app.db");

    private void LoadPipeline(string with, string table = "t") => _project.Write("pipeline.yaml", $$$"""
        name: lite
        defaults: { retries: 0 }
        tasks:
          extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
          load: { sink: sqlite, input: raw, with: { connection: lite, table: '{{{table.Replace("'", "''", StringComparison.Ordinal)}}}', {{{with}}} } }
        """);

    private async Task LoadAsync(string date, string csv)
    {
        _project.Write($"in/{date}.csv", csv);
        await _project.RunOkAsync(date);
    }

    private List<string> Rows(string sql) => Testing.SqliteRows.Read(Database, sql);

    [Fact]
    public async Task Append_replace_and_upsert_load_into_a_created_table()
    {
        LoadPipeline("mode: append");
        await LoadAsync("2024-03-01", "id,v,day\n1,a,2024-03-01\n");
        await LoadAsync("2024-03-02", "id,v,day\n2,b,2024-03-02\n");
        Assert.Equal(["1|a|2024-03-01", "2|b|2024-03-02"], Rows("SELECT * FROM t ORDER BY id"));

        LoadPipeline("mode: upsert, key: id");
        await LoadAsync("2024-03-03", "id,v,day\n2,B,2024-03-03\n3,c,2024-03-03\n");
        Assert.Equal(["1|a|2024-03-01", "2|B|2024-03-03", "3|c|2024-03-03"], Rows("SELECT * FROM t ORDER BY id"));

        LoadPipeline("mode: replace");
        await LoadAsync("2024-03-04", "id,v,day\n9,z,2024-03-04\n");
        Assert.Equal(["9|z|2024-03-04"], Rows("SELECT * FROM t ORDER BY id"));
    }

    [Fact]
    public async Task A_failed_load_leaves_the_file_unchanged_and_hostile_names_survive()
    {
        const string table = "order's \"items\"; DROP TABLE t; --";
        LoadPipeline("mode: upsert, key: id", table);
        await LoadAsync("2024-03-01", "id,v\n1,\"'; DROP TABLE orders; --\"\n");
        _project.Write("in/2024-03-02.csv", "id,v\n2,x\n2,y\n3,z\n");

        var failed = await _project.RunAsync("2024-03-02");

        Assert.False(failed.Succeeded);
        Assert.Contains("needs one non-null row per key (id)", failed.Run.Error);
        var quoted = "\"" + table.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        Assert.Equal(["1|'; DROP TABLE orders; --"], Rows($"SELECT * FROM {quoted}"));

        LoadPipeline("mode: append", table);
        _project.Write("in/2024-03-03.csv", "id,v,extra\n4,w,new\n");
        var drifted = await _project.RunAsync("2024-03-03");
        Assert.False(drifted.Succeeded);
        Assert.Contains("+ extra VARCHAR", drifted.Run.Error);

        LoadPipeline("mode: append, schema_evolution: add_columns", table);
        await _project.RunOkAsync("2024-03-03");
        Assert.Equal(["1|'; DROP TABLE orders; --|NULL", "4|w|new"], Rows($"SELECT * FROM {quoted} ORDER BY id"));
    }

    [Fact]
    public async Task Typed_values_round_trip_sqlite_to_dataset_to_sqlite()
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Database)!);
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = """
                CREATE TABLE src (id INTEGER, amount DECIMAL(12,2), ratio REAL, name TEXT, day DATE, at TIMESTAMP, flag BOOLEAN, blob BLOB, uid UUID);
                INSERT INTO src VALUES (1, '1234.50', 0.25, 'héllo ''q''', '2024-02-29', '2024-03-01 12:34:56.5', 1, x'00ff', 'a0eebc99-9c0b-4ef8-bb6d-6bb9bd380a11'),
                                       (2, NULL, NULL, NULL, NULL, NULL, NULL, NULL, NULL);
                """;
            command.ExecuteNonQuery();
        }

        _project.Write("pipeline.yaml", """
            name: lite
            tasks:
              extract: { source: sqlite, output: raw, with: { connection: lite, query: "SELECT * FROM src WHERE id >= 1 AND day IS NOT '{{ ds }}' ORDER BY id" } }
              load: { sink: sqlite, input: raw, with: { connection: lite, table: copy, mode: replace } }
            """);
        await _project.RunOkAsync();

        var staged = StagedFile.Schema(_project.Staged("lite", "2024-03-01", "raw")).ToDictionary(c => c.Name, c => c.Type);
        Assert.Equal(("BIGINT", "DECIMAL(12,2)", "DOUBLE", "VARCHAR"), (staged["id"], staged["amount"], staged["ratio"], staged["name"]));
        Assert.Equal(("DATE", "TIMESTAMP", "BOOLEAN", "BLOB", "UUID"), (staged["day"], staged["at"], staged["flag"], staged["blob"], staged["uid"]));
        Assert.Equal(Rows("SELECT id, amount, ratio, name, day, flag, hex(blob), uid FROM src ORDER BY id"), Rows("SELECT id, amount, ratio, name, day, flag, hex(blob), uid FROM copy ORDER BY id"));
        Assert.Equal(["2024-03-01 12:34:56.5", "NULL"], Rows("SELECT at FROM copy ORDER BY id"));
    }

    [Theory]
    [InlineData("fail", "id,v\n3,c\n", false, "the dataset has no column 'note' of table 't', so mode 'replace' would leave it empty in every row")]
    [InlineData("add_columns", "id,v\n3,c\n", false, "the dataset has no column 'note' of table 't'")]
    [InlineData("fail", "id,v,note,extra\n3,c,n,x\n", false, "the dataset no longer matches table t: + extra VARCHAR")]
    [InlineData("add_columns", "id,v,note,extra\n3,c,n,x\n", true, "CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR(10) NOT NULL, note TEXT, \"extra\" TEXT)")]
    [InlineData("fail", "id,v,note\n3,c,n\n", true, "CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR(10) NOT NULL, note TEXT)")]
    [InlineData("recreate", "id,v\n3,c\n", true, "CREATE TABLE \"t\" (\"id\" BIGINT, \"v\" TEXT)")]
    public async Task Replace_keeps_the_table_definition_unless_schema_evolution_allows_the_change(string policy, string csv, bool loads, string expected)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(Database)!);
        using (var connection = new SqliteConnection($"Data Source={Database};Pooling=false"))
        {
            connection.Open();
            using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE t (id INTEGER PRIMARY KEY, v VARCHAR(10) NOT NULL, note TEXT); INSERT INTO t VALUES (1, 'a', 'n1'), (2, 'b', 'n2');";
            command.ExecuteNonQuery();
        }

        var definition = Rows("SELECT sql FROM sqlite_master WHERE name = 't'");
        LoadPipeline($"mode: replace, schema_evolution: {policy}");
        _project.Write("in/2024-03-01.csv", csv);

        var result = await _project.RunAsync();

        if (loads)
        {
            Assert.True(result.Succeeded, result.Run.Error);
            Assert.Equal([expected], Rows("SELECT sql FROM sqlite_master WHERE name = 't'"));
            Assert.Equal("3|c", Rows("SELECT id, v FROM t").Single());
        }
        else
        {
            Assert.False(result.Succeeded);
            Assert.Contains(expected, result.Run.Error);
            Assert.Equal(definition, Rows("SELECT sql FROM sqlite_master WHERE name = 't'"));
            Assert.Equal(["1|a|n1", "2|b|n2"], Rows("SELECT * FROM t ORDER BY id"));
        }
    }

    [Fact]
    public async Task A_lock_held_past_busy_timeout_on_a_task_without_retries_says_it_fails()
    {
        _project.Write("connections.yaml", "connections:\n  lite: { type: sqlite, path: data/app.db, busy_timeout: 1 }\n");
        LoadPipeline("mode: append");
        await LoadAsync("2024-03-01", "id,v\n1,a\n");
        using var holder = new SqliteConnection($"Data Source={Database};Pooling=false");
        holder.Open();
        using var transaction = holder.BeginTransaction(deferred: false);
        _project.Write("in/2024-03-02.csv", "id,v\n2,b\n");

        var result = await _project.RunAsync("2024-03-02");

        Assert.False(result.Succeeded);
        Assert.Contains("the database is locked by another writer", result.Run.Error);
        Assert.Contains("Nothing was committed; the task has no retries (retries: 0), so it fails", result.Run.Error);
        Assert.DoesNotContain("will be retried", result.Run.Error);
    }

    [Fact]
    public async Task A_missing_database_file_is_a_clear_error()
    {
        _project.Write("pipeline.yaml", "name: lite\ntasks:\n  e: { source: sqlite, output: raw, with: { connection: lite, table: t } }\n");

        var result = await _project.RunAsync();

        Assert.False(result.Succeeded);
        Assert.Contains("connection 'lite' (sqlite", result.Run.Error);
        Assert.Contains("the database file does not exist", result.Run.Error);
    }

    public void Dispose() => _project.Dispose();
}
