using System.Globalization;
using Npgsql;

namespace Sluice.Connectors.Postgres.Tests.Infrastructure;

/// <summary>
/// A fresh database on the test server (started by ./test.sh through scripts/services/postgres.sh),
/// one per test so tests run in parallel; dropped afterwards.
/// </summary>
internal sealed class PgDatabase : IAsyncDisposable
{
    private PgDatabase(string name, string connectionString)
    {
        Name = name;
        ConnectionString = connectionString;
    }

    public string Name { get; }

    public string ConnectionString { get; }

    public static string Host => Require("SLUICE_TEST_PG_HOST");

    public static int Port => int.Parse(Require("SLUICE_TEST_PG_PORT"), CultureInfo.InvariantCulture);

    public static string User => Require("SLUICE_TEST_PG_USER");

    public static string Password => Require("SLUICE_TEST_PG_PASSWORD");

    public static async Task<PgDatabase> CreateAsync()
    {
        var name = "sluice_" + Guid.NewGuid().ToString("N")[..12];
        await using (var admin = new NpgsqlConnection(Builder(Require("SLUICE_TEST_PG_DATABASE")).ConnectionString))
        {
            await admin.OpenAsync();
            await using var create = new NpgsqlCommand($"CREATE DATABASE \"{name}\"", admin);
            await create.ExecuteNonQueryAsync();
        }

        return new PgDatabase(name, Builder(name).ConnectionString);
    }

    /// <summary>A connections.yaml naming this database, the password as ${SLUICE_TEST_PG_PASSWORD}.</summary>
    public string ConnectionsYaml(string connection = "wh") => $"""
        connections:
          {connection}:
            type: postgres
            host: {Host}
            port: {Port}
            database: {Name}
            username: {User}
            password: ${"{"}SLUICE_TEST_PG_PASSWORD{"}"}
            sslmode: disable
        """;

    public async Task<NpgsqlConnection> OpenAsync()
    {
        var connection = new NpgsqlConnection(ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(values);
        }

        return rows;
    }

    public async Task<T> ScalarAsync<T>(string sql) => (T)(await QueryAsync(sql))[0][0]!;

    /// <summary>Every row of a table as text, sorted: equal snapshots mean equal tables.</summary>
    public async Task<string> SnapshotAsync(string table) =>
        string.Join('\n', (await QueryAsync($"SELECT t::text FROM {table} t")).Select(r => (string)r[0]!).Order(StringComparer.Ordinal));

    public async ValueTask DisposeAsync()
    {
        NpgsqlConnection.ClearAllPools();
        await using var admin = new NpgsqlConnection(Builder(Require("SLUICE_TEST_PG_DATABASE")).ConnectionString);
        await admin.OpenAsync();
        await using var drop = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{Name}\" WITH (FORCE)", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private static NpgsqlConnectionStringBuilder Builder(string database) => new()
    {
        Host = Host,
        Port = Port,
        Username = User,
        Password = Password,
        Database = database,
        SslMode = SslMode.Disable,
        Pooling = false,
        CommandTimeout = 120,
    };

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: these tests need the throwaway PostgreSQL that ./test.sh starts. Run ./test.sh, or `source scripts/services/postgres.sh` (with SLUICE_TEST_RUN_DIR and STOP_COMMANDS=() set) before dotnet test.");
}
