using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Sluice.Cdc.Postgres.Tests;

/// <summary>
/// A throwaway PostgreSQL started with wal_level=replica, the default a real server has, in its own
/// temporary folder and port (the shared test server runs with logical and must not be restarted).
/// As root, initdb and postgres run as the postgres user, as scripts/services/postgres.sh does.
/// </summary>
internal sealed class ReplicaOnlyServer : IAsyncDisposable
{
    private const string Bin = "/usr/lib/postgresql/15/bin";
    private const string Password = "replica-only-test";
    private readonly string _folder;
    private readonly string _data;

    private ReplicaOnlyServer(string folder, int port)
    {
        _folder = folder;
        _data = Path.Combine(folder, "data");
        Port = port;
    }

    public int Port { get; }

    public string ConnectionString(string database = "postgres") =>
        new NpgsqlConnectionStringBuilder { Host = "127.0.0.1", Port = Port, Username = "sluice_test", Password = Password, Database = database, Pooling = false }.ConnectionString;

    public static async Task<ReplicaOnlyServer> StartAsync()
    {
        var folder = Path.Combine(Path.GetTempPath(), "sluice-replica-pg-" + Guid.NewGuid().ToString("N")[..8]);
        Directory.CreateDirectory(folder);
        var server = new ReplicaOnlyServer(folder, FreePort());
        var pwfile = Path.Combine(folder, "pwfile");
        await File.WriteAllTextAsync(pwfile, Password + "\n");
        if (Environment.UserName == "root")
        {
            await RunAsync("chown", "-R", "postgres:", folder);
        }

        await RunAsUserAsync($"{Bin}/initdb", "-D", server._data, "-U", "sluice_test", "--pwfile=" + pwfile, "--auth=scram-sha-256", "-E", "UTF8", "--locale=C.UTF-8");
        await RunAsUserAsync($"{Bin}/pg_ctl", "-D", server._data, "-l", Path.Combine(folder, "server.log"), "-w", "-t", "60", "start",
            "-o", $"-p {server.Port} -c listen_addresses=127.0.0.1 -c unix_socket_directories= -c wal_level=replica -c fsync=off");
        return server;
    }

    public async ValueTask DisposeAsync()
    {
        await RunAsUserAsync($"{Bin}/pg_ctl", "-D", _data, "-m", "immediate", "-w", "stop");
        Directory.Delete(_folder, recursive: true);
    }

    private static int FreePort()
    {
        using var socket = new TcpListener(IPAddress.Loopback, 0);
        socket.Start();
        return ((IPEndPoint)socket.LocalEndpoint).Port;
    }

    private static Task RunAsUserAsync(string program, params string[] arguments) =>
        Environment.UserName == "root" ? RunAsync("runuser", ["-u", "postgres", "--", program, .. arguments]) : RunAsync(program, arguments);

    private static async Task RunAsync(string program, params string[] arguments)
    {
        var info = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        using var process = Process.Start(info)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} {string.Join(' ', arguments)} exited {process.ExitCode}: {await output}{await error}");
        }
    }
}
