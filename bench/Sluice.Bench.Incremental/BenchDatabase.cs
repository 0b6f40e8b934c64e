using Npgsql;

namespace Sluice.Bench.Incremental;

/// <summary>
/// A fresh database per measurement on the PostgreSQL that SLUICE_TEST_PG_* names (the test server
/// ./test.sh starts, or `source scripts/services/postgres.sh`), dropped afterwards.
/// </summary>
internal sealed class BenchDatabase(string host, string port, string user, string password, string adminDatabase)
{
    public static BenchDatabase FromEnvironment()
    {
        string Require(string name) => Environment.GetEnvironmentVariable(name) is { Length: > 0 } v
            ? v
            : throw new InvalidOperationException($"{name} is not set: run against the test PostgreSQL (source scripts/services/postgres.sh, or the env file ./test.sh writes).");
        return new(Require("SLUICE_TEST_PG_HOST"), Require("SLUICE_TEST_PG_PORT"), Require("SLUICE_TEST_PG_USER"), Require("SLUICE_TEST_PG_PASSWORD"), Require("SLUICE_TEST_PG_DATABASE"));
    }

    public string ConnectionString(string database) =>
        new NpgsqlConnectionStringBuilder { Host = host, Port = int.Parse(port, System.Globalization.CultureInfo.InvariantCulture), Username = user, Password = password, Database = database, SslMode = SslMode.Disable, Pooling = false, CommandTimeout = 0 }.ConnectionString;

    /// <summary>connections.yaml naming the database as <c>wh</c>, the password from the environment.</summary>
    public string ConnectionsYaml(string database) =>
        $"connections:\n  wh: {{ type: postgres, host: {host}, port: {port}, database: {database}, username: {user}, password: \"${{SLUICE_TEST_PG_PASSWORD}}\", sslmode: disable }}\n";

    public async Task<string> CreateAsync()
    {
        var name = "sluice_bench_" + Guid.NewGuid().ToString("N")[..10];
        await ExecuteAsync(adminDatabase, $"CREATE DATABASE \"{name}\"");
        return name;
    }

    public Task DropAsync(string database) => ExecuteAsync(adminDatabase, $"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)");

    public async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 0 };
        await command.ExecuteNonQueryAsync();
    }
}
