using System.Globalization;
using MySqlConnector;

namespace Sluice.Connectors.MySql.Tests.Infrastructure;

/// <summary>
/// A fresh database on the test MariaDB (started by ./test.sh through scripts/services/mariadb.sh),
/// one per test class instance so tests run in parallel; dropped afterwards.
/// </summary>
internal sealed class MyDatabase : IAsyncDisposable
{
    private MyDatabase(string name) => Name = name;

    public string Name { get; }

    public static string Host => Require("SLUICE_TEST_MYSQL_HOST");

    public static int Port => int.Parse(Require("SLUICE_TEST_MYSQL_PORT"), CultureInfo.InvariantCulture);

    public static string User => Require("SLUICE_TEST_MYSQL_USER");

    public static string Password => Require("SLUICE_TEST_MYSQL_PASSWORD");

    public static async Task<MyDatabase> CreateAsync()
    {
        var db = new MyDatabase("sluice_" + Guid.NewGuid().ToString("N")[..12]);
        await using var admin = new MySqlConnection(Builder(null).ConnectionString);
        await admin.OpenAsync();
        await using var create = new MySqlCommand($"CREATE DATABASE `{db.Name}`", admin);
        await create.ExecuteNonQueryAsync();
        return db;
    }

    /// <summary>A connections.yaml naming this database, the password as ${SLUICE_TEST_MYSQL_PASSWORD}.</summary>
    public string ConnectionsYaml(string connection = "wh", string? password = null, int? port = null) => $"""
        connections:
          {connection}:
            type: mysql
            host: {Host}
            port: {port ?? Port}
            database: {Name}
            username: {User}
            password: {password ?? "${SLUICE_TEST_MYSQL_PASSWORD}"}
            sslmode: none
            connect_timeout: 5
        """;

    public async Task<MySqlConnection> OpenAsync()
    {
        var connection = new MySqlConnection(Builder(Name).ConnectionString);
        await connection.OpenAsync();
        return connection;
    }

    public async Task ExecuteAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<List<object?[]>> QueryAsync(string sql)
    {
        await using var connection = await OpenAsync();
        await using var command = new MySqlCommand(sql, connection);
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

    public async Task<long> CountAsync(string table) => Convert.ToInt64((await QueryAsync($"SELECT COUNT(*) FROM `{table}`"))[0][0], CultureInfo.InvariantCulture);

    /// <summary>Every row of a table as text (columns joined by |, NULL as ∅), sorted: equal snapshots mean equal tables.</summary>
    public async Task<string> SnapshotAsync(string table) =>
        string.Join('\n', (await QueryAsync($"SELECT * FROM `{table}`"))
            .Select(r => string.Join('|', r.Select(v => v switch
            {
                null => "∅",
                byte[] b => Convert.ToHexString(b),
                DateTime d => d.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
                _ => Convert.ToString(v, CultureInfo.InvariantCulture),
            })))
            .Order(StringComparer.Ordinal));

    public async Task<bool> TableExistsAsync(string table) =>
        Convert.ToInt64((await QueryAsync($"SELECT COUNT(*) FROM information_schema.TABLES WHERE TABLE_SCHEMA = '{Name}' AND TABLE_NAME = '{table}'"))[0][0], CultureInfo.InvariantCulture) > 0;

    public async ValueTask DisposeAsync()
    {
        MySqlConnection.ClearAllPools();
        await using var admin = new MySqlConnection(Builder(null).ConnectionString);
        await admin.OpenAsync();
        await using var drop = new MySqlCommand($"DROP DATABASE IF EXISTS `{Name}`", admin);
        await drop.ExecuteNonQueryAsync();
    }

    private static MySqlConnectionStringBuilder Builder(string? database) => new()
    {
        Server = Host,
        Port = (uint)Port,
        UserID = User,
        Password = Password,
        Database = database ?? string.Empty,
        SslMode = MySqlSslMode.None,
        Pooling = false,
        DefaultCommandTimeout = 120,
        GuidFormat = MySqlGuidFormat.None,
    };

    private static string Require(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException(
                $"{name} is not set: these tests need the throwaway MariaDB that ./test.sh starts. Run ./test.sh, or `source scripts/services/mariadb.sh` (with SLUICE_TEST_RUN_DIR and STOP_COMMANDS=() set) before dotnet test.");
}
