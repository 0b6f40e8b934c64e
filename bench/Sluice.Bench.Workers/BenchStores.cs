using Npgsql;
using Sluice.Metadata.Postgres;
using Sluice.Metadata.Sqlite;
using Sluice.State;

namespace Sluice.Bench.Workers;

/// <summary>
/// Where one measured run keeps its state: a fresh SQLite state folder, or a fresh schema on the test
/// PostgreSQL (SLUICE_TEST_PG_*, as <c>source /tmp/sluice-services.env</c> or ./test.sh gives). Every
/// <see cref="OpenAsync"/> opens a store of its own (its own connections), as another process would.
/// Disposing deletes the folder and drops the schema.
/// </summary>
internal sealed class BenchStores : IAsyncDisposable
{
    private readonly PostgresMetadataSettings? _postgres;

    private BenchStores(PostgresMetadataSettings? postgres)
    {
        _postgres = postgres;
        Folder = Directory.CreateTempSubdirectory("sluice-bench-workers-");
    }

    public DirectoryInfo Folder { get; }

    public static BenchStores Sqlite() => new(null);

    public static BenchStores Postgres()
    {
        var schema = "sluice_bench_" + Guid.NewGuid().ToString("N")[..10];
        var setting = $"Host={Require("SLUICE_TEST_PG_HOST")};Port={Require("SLUICE_TEST_PG_PORT")};Database={Require("SLUICE_TEST_PG_DATABASE")};Username={Require("SLUICE_TEST_PG_USER")};SSL Mode=Disable;Schema={schema}";
        return new(PostgresMetadataSettings.Parse(setting, name => name == PostgresMetadataSettings.PasswordVariable ? Require("SLUICE_TEST_PG_PASSWORD") : null));
    }

    /// <summary>A store that is also the queue and the event log, as both implementations are.</summary>
    public async Task<IMetadataStore> OpenAsync() =>
        _postgres is null
            ? await SqliteMetadataStore.OpenAsync(Path.Combine(Folder.FullName, "sluice.db"))
            : await PostgresMetadataStore.OpenAsync(_postgres);

    public async ValueTask DisposeAsync()
    {
        if (_postgres is null)
        {
            Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        }
        else
        {
            var builder = new NpgsqlConnectionStringBuilder
            {
                Host = _postgres.Host,
                Port = _postgres.Port,
                Database = _postgres.Database,
                Username = Require("SLUICE_TEST_PG_USER"),
                Password = _postgres.Password,
                SslMode = SslMode.Disable,
                Pooling = false,
            };
            await using var connection = new NpgsqlConnection(builder.ConnectionString);
            await connection.OpenAsync();
            await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{_postgres.Schema}\" CASCADE", connection);
            await drop.ExecuteNonQueryAsync();
        }

        Folder.Delete(recursive: true);
    }

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: the PostgreSQL part needs the test server (`source /tmp/sluice-services.env`, or run ./test.sh's services), or skip it with --postgres 0.");
}
