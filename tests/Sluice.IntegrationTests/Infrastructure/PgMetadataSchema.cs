using System.Data.Common;
using System.Globalization;
using Npgsql;
using Sluice.Metadata.Postgres;

namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>
/// A schema of its own on the test PostgreSQL (started by ./test.sh; SLUICE_TEST_PG_*), for one
/// test's metadata store; dropped afterwards. The setting holds no password: the password travels
/// in SLUICE_METADATA_PASSWORD, as users are told to do.
/// </summary>
internal sealed class PgMetadataSchema : IAsyncDisposable
{
    public string Schema { get; } = "sluice_meta_" + Guid.NewGuid().ToString("N")[..10];

    public static string Host => Require("SLUICE_TEST_PG_HOST");

    public static int Port => int.Parse(Require("SLUICE_TEST_PG_PORT"), CultureInfo.InvariantCulture);

    public static string Password => Require("SLUICE_TEST_PG_PASSWORD");

    /// <summary>SLUICE_METADATA's value: an Npgsql connection string with a Schema, without the password.</summary>
    public string Setting => $"Host={Host};Port={Port};Database={Require("SLUICE_TEST_PG_DATABASE")};Username={Require("SLUICE_TEST_PG_USER")};SSL Mode=Disable;Schema={Schema}";

    /// <summary>What a sluice process needs to use this store.</summary>
    public Dictionary<string, string> Environment => new() { ["SLUICE_METADATA"] = Setting, [PostgresMetadataSettings.PasswordVariable] = Password };

    /// <summary>The parsed setting, optionally for another schema (quoted as a connection string value needs).</summary>
    public PostgresMetadataSettings Settings(string? schema = null)
    {
        var setting = new DbConnectionStringBuilder { ConnectionString = Setting };
        setting["Schema"] = schema ?? Schema;
        return PostgresMetadataSettings.Parse(setting.ConnectionString, name => name == PostgresMetadataSettings.PasswordVariable ? Password : null);
    }

    public Task<PostgresMetadataStore> OpenAsync(TimeProvider? time = null) => PostgresMetadataStore.OpenAsync(Settings(), time);

    public async Task<NpgsqlConnection> ConnectAsync()
    {
        var builder = new NpgsqlConnectionStringBuilder(Settings().Builder.ConnectionString) { Pooling = false };
        var connection = new NpgsqlConnection(builder.ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = await ConnectAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        await using var connection = await ConnectAsync();
        await using var drop = new NpgsqlCommand($"DROP SCHEMA IF EXISTS \"{Schema}\" CASCADE", connection);
        await drop.ExecuteNonQueryAsync();
    }

    private static string Require(string name) =>
        System.Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: these tests need the throwaway PostgreSQL that ./test.sh starts (or `source /tmp/sluice-services.env`).");
}
