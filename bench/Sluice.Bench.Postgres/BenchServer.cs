using System.Diagnostics;
using Npgsql;

namespace Sluice.Bench.Postgres;

/// <summary>
/// The PostgreSQL the bench measures against: the one SLUICE_TEST_PG_* points to, or a throwaway one
/// started by scripts/services/postgres.sh (and stopped at the end).
/// </summary>
internal sealed class BenchServer : IDisposable
{
    private readonly string? _stop;

    private BenchServer(Dictionary<string, string> env, string? stop)
    {
        Env = env;
        _stop = stop;
    }

    public Dictionary<string, string> Env { get; }

    public string Host => Env["SLUICE_TEST_PG_HOST"];

    public int Port => int.Parse(Env["SLUICE_TEST_PG_PORT"], System.Globalization.CultureInfo.InvariantCulture);

    public string User => Env["SLUICE_TEST_PG_USER"];

    public string Password => Env["SLUICE_TEST_PG_PASSWORD"];

    public string Version { get; private set; } = string.Empty;

    public string ConnectionString(string database) => new NpgsqlConnectionStringBuilder
    {
        Host = Host,
        Port = Port,
        Username = User,
        Password = Password,
        Database = database,
        SslMode = SslMode.Disable,
        CommandTimeout = 0,
        Pooling = false,
    }.ConnectionString;

    public static async Task<BenchServer> StartAsync(string repo, string workDir)
    {
        var names = new[] { "HOST", "PORT", "USER", "PASSWORD", "DATABASE" }.Select(n => "SLUICE_TEST_PG_" + n).ToList();
        BenchServer server;
        if (names.All(n => !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(n))))
        {
            server = new BenchServer(names.ToDictionary(n => n, n => Environment.GetEnvironmentVariable(n)!), null);
        }
        else
        {
            // A cluster left by an earlier run (killed, or stopped without cleanup) would make initdb refuse the folder.
            if (Directory.Exists(workDir))
            {
                Directory.Delete(workDir, recursive: true);
            }

            Directory.CreateDirectory(workDir);
            var script = "STOP_COMMANDS=(); source scripts/services/postgres.sh >&2 || exit 1; env | grep '^SLUICE_TEST_PG_'; echo \"STOP=${STOP_COMMANDS[0]}\"";
            var output = await Shell.RunAsync("bash", ["-c", script], repo, new() { ["SLUICE_TEST_RUN_DIR"] = workDir });
            var lines = output.Split('\n', StringSplitOptions.RemoveEmptyEntries);
            var env = lines.Where(l => l.StartsWith("SLUICE_TEST_PG_", StringComparison.Ordinal)).Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
            server = new BenchServer(env, lines.Single(l => l.StartsWith("STOP=", StringComparison.Ordinal))[5..]);
        }

        await using var connection = new NpgsqlConnection(server.ConnectionString(server.Env["SLUICE_TEST_PG_DATABASE"]));
        await connection.OpenAsync();
        server.Version = connection.PostgreSqlVersion.ToString();
        return server;
    }

    public async Task ExecuteAsync(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<long> CountAsync(string database, string table)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {table}", connection);
        return (long)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>Runs psql with one command (a \copy, or a COPY ... TO STDOUT whose output goes to <paramref name="output"/>) and returns its wall time.</summary>
    public async Task<TimeSpan> PsqlAsync(string database, string command, string? output = null)
    {
        List<string> args = ["-h", Host, "-p", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "-U", User, "-d", database, "-v", "ON_ERROR_STOP=1", "-q", "-c", command];
        if (output is not null)
        {
            args.AddRange(["-o", output]);
        }

        var watch = Stopwatch.StartNew();
        await Shell.RunAsync("psql", args, null, new() { ["PGPASSWORD"] = Password });
        return watch.Elapsed;
    }

    public void Dispose()
    {
        if (_stop is not null)
        {
            Shell.RunAsync("bash", ["-c", _stop], null, []).GetAwaiter().GetResult();
        }
    }
}
