using System.Diagnostics;
using Microsoft.Data.Sqlite;
using Npgsql;

namespace Sluice.Crash;

/// <summary>Where a trial kills the sluice process.</summary>
public enum CrashMode
{
    /// <summary>While the incremental source task is running.</summary>
    Extract,

    /// <summary>While the upsert into the target is running.</summary>
    Load,

    /// <summary>After the load committed and before the watermark is stored (held there by SLUICE_TEST_HOLD_AT).</summary>
    BeforeWatermark,
}

/// <summary>One kill and recovery: where the process really was when killed, and the target against the source.</summary>
public sealed record CrashTrial(CrashMode Mode, string KilledAt, long Missing, long Duplicates, long Stale, long Extra, TimeSpan Recovery)
{
    public bool Exact => Missing == 0 && Duplicates == 0 && Stale == 0 && Extra == 0;

    public override string ToString() =>
        $"{Mode}: killed {KilledAt}; after restart missing={Missing} duplicates={Duplicates} stale={Stale} extra={Extra} (restart {Recovery.TotalSeconds:0.0}s)";
}

/// <summary>
/// Proof by crashing, with real processes: a PostgreSQL table changes between runs (new rows sharing one
/// timestamp, so the watermark always sits on a tie, and updates), the real <c>sluice</c> CLI runs an
/// incremental extract and an upsert by key, is SIGKILLed at a chosen point, and is run again; then the
/// target must equal the source: no row missing, none twice, every update there. Shared by the CI test
/// (a few kills) and bench/Sluice.Bench.Incremental (many).
/// </summary>
public sealed class IncrementalCrashHarness(string root, string connectionString, string connectionsYaml, string sluiceDll)
{
    private const string Pipeline = """
        name: inc_crash
        tasks:
          extract:
            source: postgres
            output: orders
            on_empty: ok
            incremental: { cursor: updated_at, primary_key: [id] }
            with: { connection: wh, table: src_orders }
          load: { sink: postgres, input: orders, on_empty: ok, with: { connection: wh, table: dst_orders, mode: upsert, key: [id] } }
        """;

    private long _nextId = 1;

    private string StateFile => Path.Combine(root, ".sluice", "sluice.db");

    public async Task SetupAsync(int rows)
    {
        Directory.CreateDirectory(root);
        await File.WriteAllTextAsync(Path.Combine(root, "pipeline.yaml"), Pipeline);
        await File.WriteAllTextAsync(Path.Combine(root, "connections.yaml"), connectionsYaml);
        await ExecuteAsync("CREATE TABLE src_orders (id bigint PRIMARY KEY, v text NOT NULL, updated_at timestamptz NOT NULL)");
        await AddAsync(rows, 0);
    }

    /// <summary>New rows, all with one transaction's now() (a tie at the next watermark), and updates to random older rows.</summary>
    public async Task AddAsync(int rows, int updates)
    {
        var first = _nextId;
        _nextId += rows;
        await ExecuteAsync(
            $"""
            INSERT INTO src_orders SELECT g, 'v' || g, now() FROM generate_series({first}, {_nextId - 1}) g;
            UPDATE src_orders SET v = v || '+', updated_at = now() WHERE id IN (SELECT id FROM src_orders WHERE id < {first} ORDER BY random() LIMIT {updates});
            """);
    }

    public async Task<CrashTrial> CrashAndRecoverAsync(CrashMode mode, Random random, int newRows, int updates)
    {
        await AddAsync(newRows, updates);
        var hold = Path.Combine(root, "held");
        File.Delete(hold);
        var environment = mode == CrashMode.BeforeWatermark
            ? new Dictionary<string, string> { ["SLUICE_TEST_HOLD_AT"] = "before-watermark", ["SLUICE_TEST_HOLD_FILE"] = hold }
            : [];
        var killedAt = await RunAndKillAsync(mode, random, hold, environment);
        var clock = Stopwatch.StartNew();
        var (exit, output) = await RunAsync([]);
        if (exit != 0)
        {
            throw new InvalidOperationException($"the run after the kill failed (exit {exit}):\n{output}");
        }

        var (missing, duplicates, stale, extra) = await CompareAsync();
        return new CrashTrial(mode, killedAt, missing, duplicates, stale, extra, clock.Elapsed);
    }

    /// <summary>Adds rows, runs with <paramref name="environment"/> until the point after the load's commit, and SIGKILLs it there.</summary>
    public async Task<string> AddAndKillBeforeWatermarkAsync(int newRows, Dictionary<string, string> environment)
    {
        await AddAsync(newRows, 0);
        var hold = Path.Combine(root, "held");
        File.Delete(hold);
        var held = new Dictionary<string, string>(environment) { ["SLUICE_TEST_HOLD_AT"] = "before-watermark", ["SLUICE_TEST_HOLD_FILE"] = hold };
        return await RunAndKillAsync(CrashMode.BeforeWatermark, new Random(0), hold, held);
    }

    /// <summary>Target against source: rows missing, keys loaded twice, rows whose update is not there, rows that should not be.</summary>
    public async Task<(long Missing, long Duplicates, long Stale, long Extra)> CompareAsync()
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(
            """
            SELECT (SELECT count(*) FROM src_orders s WHERE NOT EXISTS (SELECT 1 FROM dst_orders d WHERE d.id = s.id)),
                   (SELECT count(*) - count(DISTINCT id) FROM dst_orders),
                   (SELECT count(*) FROM src_orders s WHERE EXISTS (SELECT 1 FROM dst_orders d WHERE d.id = s.id AND (d.v <> s.v OR d.updated_at <> s.updated_at))),
                   (SELECT count(*) FROM dst_orders d WHERE NOT EXISTS (SELECT 1 FROM src_orders s WHERE s.id = d.id))
            """,
            connection);
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
    }

    /// <summary>Runs the pipeline to the end; the first run of a test creates the target.</summary>
    public Task<(int Exit, string Output)> RunAsync(Dictionary<string, string> environment) =>
        WaitAsync(Start(environment), TimeSpan.FromMinutes(5));

    private async Task<string> RunAndKillAsync(CrashMode mode, Random random, string hold, Dictionary<string, string> environment)
    {
        using var process = Start(environment);
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        var deadline = Stopwatch.StartNew();
        var task = mode == CrashMode.Load ? "load" : "extract";
        while (deadline.Elapsed < TimeSpan.FromMinutes(2))
        {
            if (process.HasExited)
            {
                await Task.WhenAll(output, error);
                return $"never: the run ended first (exit {process.ExitCode})";
            }

            var reached = mode == CrashMode.BeforeWatermark ? File.Exists(hold) : await TaskRunningAsync(task);
            if (reached)
            {
                if (mode != CrashMode.BeforeWatermark)
                {
                    await Task.Delay(random.Next(0, 120));
                }

                var state = mode == CrashMode.BeforeWatermark ? "held after the load committed, before the watermark" : $"while {await RunningTasksAsync()} ran";
                process.Kill(entireProcessTree: true); // SIGKILL: no cleanup runs
                await process.WaitForExitAsync();
                await Task.WhenAll(output, error);
                return state;
            }

            await Task.Delay(15);
        }

        process.Kill(entireProcessTree: true);
        throw new InvalidOperationException($"{mode}: the point to kill at was not reached in 2 minutes");
    }

    private async Task<bool> TaskRunningAsync(string task) => (await RunningTasksAsync()).Split(',').Contains(task);

    /// <summary>The tasks the newest run records as running, read from the state file as `sluice runs` would.</summary>
    private async Task<string> RunningTasksAsync()
    {
        if (!File.Exists(StateFile))
        {
            return "nothing";
        }

        try
        {
            await using var connection = new SqliteConnection($"Data Source={StateFile};Mode=ReadOnly;Pooling=false");
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "SELECT group_concat(task_id) FROM task_instances WHERE state = 'running' AND run_id = (SELECT max(id) FROM runs)";
            return await command.ExecuteScalarAsync() as string ?? "nothing";
        }
        catch (SqliteException)
        {
            return "nothing"; // the file is being created or locked for a moment: look again
        }
    }

    private Process Start(Dictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in new[] { sluiceDll, "run", "pipeline.yaml", "--date", "2024-03-01", "--state-dir", Path.Combine(root, ".sluice") })
        {
            start.ArgumentList.Add(argument);
        }

        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return Process.Start(start)!;
    }

    private static async Task<(int, string)> WaitAsync(Process process, TimeSpan timeout)
    {
        using (process)
        {
            var output = process.StandardOutput.ReadToEndAsync();
            var error = process.StandardError.ReadToEndAsync();
            using var limit = new CancellationTokenSource(timeout);
            await process.WaitForExitAsync(limit.Token);
            return (process.ExitCode, await output + await error);
        }
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection) { CommandTimeout = 600 };
        await command.ExecuteNonQueryAsync();
    }

    public static string Describe(IEnumerable<CrashTrial> trials) =>
        string.Join('\n', trials);
}
