using Microsoft.Data.Sqlite;
using Sluice.Metadata.Sqlite;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>The shared store behaviour on SQLite (one file, several connections), and its in-place upgrade.</summary>
public sealed class SqliteMetadataStoreTests : MetadataStoreTests
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("sluice-store-");

    private string DatabasePath => Path.Combine(_folder.FullName, "sluice.db");

    protected override async Task<IMetadataStore> OpenAsync() => await SqliteMetadataStore.OpenAsync(DatabasePath);

    public override Task DisposeAsync()
    {
        SqliteConnection.ClearAllPools();
        _folder.Delete(recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_state_folder_from_before_versioned_migrations_is_upgraded_and_keeps_its_history()
    {
        await using (var old = new SqliteConnection($"Data Source={DatabasePath};Pooling=False"))
        {
            await old.OpenAsync();
            await using var create = old.CreateCommand();
            create.CommandText = """
                CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, pipeline TEXT NOT NULL, logical_date TEXT NOT NULL, interval_start TEXT NOT NULL,
                    interval_end TEXT NOT NULL, state TEXT NOT NULL, trigger TEXT NOT NULL, started_at TEXT NOT NULL, ended_at TEXT, error TEXT);
                CREATE TABLE task_instances (run_id INTEGER NOT NULL, task_id TEXT NOT NULL, state TEXT NOT NULL, try_number INTEGER NOT NULL,
                    started_at TEXT, ended_at TEXT, rows_read INTEGER NOT NULL, rows_written INTEGER NOT NULL, rows_quarantined INTEGER NOT NULL,
                    reused INTEGER NOT NULL, error TEXT, PRIMARY KEY (run_id, task_id));
                INSERT INTO runs (pipeline, logical_date, interval_start, interval_end, state, trigger, started_at, ended_at)
                VALUES ('sales_etl', '2024-03-01', '2024-03-01T00:00:00.000Z', '2024-03-02T00:00:00.000Z', 'failed', 'manual', '2024-03-02T02:00:00.000Z', '2024-03-02T02:01:00.000Z');
                """;
            await create.ExecuteNonQueryAsync();
        }

        await using var store = await SqliteMetadataStore.OpenAsync(DatabasePath);
        var runs = await store.ListRunsAsync(null, 10, CancellationToken.None);
        var next = await store.StartRunAsync(Run(new DateOnly(2024, 3, 2)), CancellationToken.None);

        Assert.Equal("sales_etl", Assert.Single(runs).Pipeline);
        Assert.Equal(2, next.Id);
    }
}
