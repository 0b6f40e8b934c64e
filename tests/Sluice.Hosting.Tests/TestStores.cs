using Sluice.IntegrationTests.Infrastructure;
using Sluice.Metadata.Sqlite;
using Sluice.State;

namespace Sluice.Hosting.Tests;

/// <summary>
/// One metadata store for a test, of either kind, that several "processes" open: a SQLite file in a
/// state folder, or a PostgreSQL schema of its own on the test server (SLUICE_TEST_PG_*), dropped after.
/// Each <see cref="OpenAsync"/> is another connection (pool), as another process would have.
/// </summary>
internal sealed class TestStores : IAsyncDisposable
{
    private readonly List<IMetadataStore> _opened = [];
    private readonly PgMetadataSchema? _schema;

    public TestStores(StoreKind kind, TimeProvider clock, string prefix)
    {
        Kind = kind;
        Clock = clock;
        State = Directory.CreateTempSubdirectory(prefix);
        _schema = kind == StoreKind.Postgres ? new PgMetadataSchema() : null;
    }

    public StoreKind Kind { get; }

    public TimeProvider Clock { get; }

    /// <summary>The state folder (staged datasets; with SQLite, also sluice.db).</summary>
    public DirectoryInfo State { get; }

    public async Task<IMetadataStore> OpenAsync()
    {
        IMetadataStore store = _schema is null
            ? await SqliteMetadataStore.OpenAsync(Path.Combine(State.FullName, "sluice.db"), CancellationToken.None, Clock)
            : await _schema.OpenAsync(Clock);
        lock (_opened)
        {
            _opened.Add(store);
        }

        return store;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _opened)
        {
            await store.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        if (_schema is not null)
        {
            await _schema.DisposeAsync();
        }

        State.Delete(recursive: true);
    }
}
