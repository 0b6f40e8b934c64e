using System.Diagnostics;
using System.Globalization;
using Npgsql;
using Sluice.Bench.Incremental;

namespace Sluice.Bench.Cdc;

/// <summary>
/// One measurement's world: a fresh source and target database on the test server, a project folder
/// whose pipeline has one postgres_cdc task between them, `sluice cdc setup` run by the real CLI, and
/// `sluice cdc run` started as a child process. Disposing stops the child, drops the slot, then both databases.
/// </summary>
internal sealed class CdcProject : IAsyncDisposable
{
    private readonly BenchDatabase _server;
    private Process? _run;

    private CdcProject(BenchDatabase server, string source, string target, string folder)
    {
        _server = server;
        Source = source;
        Target = target;
        Folder = folder;
    }

    public string Source { get; }

    public string Target { get; }

    public string Folder { get; }

    public const string Slot = "sluice_cdc_bench_mirror";

    public string SourceConnection => _server.ConnectionString(Source);

    public string TargetConnection => _server.ConnectionString(Target);

    /// <param name="options">Extra task options, YAML lines indented for the <c>with:</c> block.</param>
    public static async Task<CdcProject> CreateAsync(BenchDatabase server, string host, string port, string user, string options)
    {
        var project = new CdcProject(server, await server.CreateAsync(), await server.CreateAsync(), Directory.CreateTempSubdirectory("sluice-bench-cdc-").FullName);
        await server.ExecuteAsync(project.Source, LoadWriter.Schema);
        string Connection(string name, string database) =>
            $"  {name}: {{ type: postgres, host: {host}, port: {port}, database: {database}, username: {user}, password: \"${{SLUICE_TEST_PG_PASSWORD}}\", sslmode: disable }}\n";
        File.WriteAllText(Path.Combine(project.Folder, "connections.yaml"), "connections:\n" + Connection("src", project.Source) + Connection("dst", project.Target));
        File.WriteAllText(Path.Combine(project.Folder, "cdc_bench.yaml"), $"""
            name: cdc_bench
            tasks:
              mirror:
                source: postgres_cdc
                output: changes
                with:
                  connection: src
                  target: dst
                  tables: [public.bench_rows]
                  target_schema: mirror
            {options}
            """);
        var setup = Start(project.Folder, "setup");
        var output = await setup.StandardOutput.ReadToEndAsync() + await setup.StandardError.ReadToEndAsync();
        await setup.WaitForExitAsync();
        if (setup.ExitCode != 0)
        {
            throw new InvalidOperationException("sluice cdc setup failed: " + output);
        }

        return project;
    }

    /// <summary>Starts `sluice cdc run` (until stopped); its output is drained so it never blocks.</summary>
    public void StartRun(IReadOnlyDictionary<string, string> environment)
    {
        _run = Start(Folder, "run", environment);
        _ = _run.StandardOutput.ReadToEndAsync();
        _ = _run.StandardError.ReadToEndAsync();
    }

    /// <summary>CPU seconds (user + system) the `sluice cdc run` process has used so far.</summary>
    public double RunCpuSeconds()
    {
        if (_run is null || _run.HasExited)
        {
            return double.NaN;
        }

        var fields = File.ReadAllText($"/proc/{_run.Id}/stat").Split(')')[1].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // After "pid (comm)": state is field 0, utime 11, stime 12, in clock ticks (100 per second on Linux).
        return (long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture)) / 100.0;
    }

    public bool RunExited => _run is { HasExited: true };

    private static Process Start(string folder, string verb, IReadOnlyDictionary<string, string>? environment = null)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { Path.Combine(AppContext.BaseDirectory, "sluice.dll"), "cdc", verb, Path.Combine(folder, "cdc_bench.yaml") })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["SLUICE_STATE_DIR"] = Path.Combine(folder, ".sluice");
        info.Environment["SLUICE_PLAIN"] = "1";
        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[name] = value;
        }
        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet sluice.dll");
    }

    public async ValueTask DisposeAsync()
    {
        if (_run is { HasExited: false })
        {
            _run.Kill(entireProcessTree: true);
            await _run.WaitForExitAsync();
        }

        _run?.Dispose();
        await using (var connection = new NpgsqlConnection(SourceConnection))
        {
            await connection.OpenAsync();
            for (var attempt = 0; attempt < 100; attempt++)
            {
                await using var drop = new NpgsqlBatch(connection)
                {
                    BatchCommands =
                    {
                        new("SELECT count(pg_terminate_backend(active_pid)) FROM pg_replication_slots WHERE slot_name = $1 AND active_pid IS NOT NULL") { Parameters = { new() { Value = Slot } } },
                        new("SELECT count(pg_drop_replication_slot(slot_name)) FROM pg_replication_slots WHERE slot_name = $1 AND NOT active") { Parameters = { new() { Value = Slot } } },
                        new("SELECT count(*) FROM pg_replication_slots WHERE slot_name = $1") { Parameters = { new() { Value = Slot } } },
                    },
                };
                await using var reader = await drop.ExecuteReaderAsync();
                long left = -1;
                do
                {
                    while (await reader.ReadAsync())
                    {
                        left = reader.GetInt64(0);
                    }
                }
                while (await reader.NextResultAsync());
                if (left == 0)
                {
                    break;
                }

                await Task.Delay(100);
            }
        }

        await _server.DropAsync(Source);
        await _server.DropAsync(Target);
        Directory.Delete(Folder, recursive: true);
    }
}
