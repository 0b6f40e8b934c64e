using System.Diagnostics;
using Npgsql;

namespace Sluice.Cdc.Postgres.Tests;

/// <summary>
/// `sluice cdc run` as a real process, killed with SIGKILL while a writer keeps changing the source,
/// restarted each time; at the end the mirror equals the source: nothing missing, nothing applied
/// twice, every update and delete reflected.
/// </summary>
public sealed class CrashTests
{
    private const int Kills = 3;
    private const string Applied = "SELECT applied_lsn::text FROM mirror.sluice_cdc_state";

    [Fact]
    public async Task Killing_the_apply_process_repeatedly_loses_nothing_and_duplicates_nothing()
    {
        await using var cdc = await CdcHarness.CreateAsync(MirrorTests.Shop);
        await cdc.SetupAsync();
        var snapshotAt = await cdc.Target.ScalarAsync<string>(Applied);
        using var stopWriting = new CancellationTokenSource();
        var writer = WriteAsync(cdc.Source.ConnectionString, stopWriting.Token);
        var random = new Random(9);
        var log = new List<string>();
        var killed = 0;
        while (killed < Kills)
        {
            using var process = Start(cdc.Project.PathOf("shop_cdc.yaml"), cdc.Project.Root, "run");
            // Kill while it applies: once the target's position has moved under this process, after a random extra moment.
            var before = await cdc.Target.ScalarAsync<string>(Applied);
            var waiting = Stopwatch.StartNew();
            while (!process.HasExited && waiting.Elapsed < TimeSpan.FromSeconds(60) && await cdc.Target.ScalarAsync<string>(Applied) == before)
            {
                await Task.Delay(50);
            }

            await Task.Delay(random.Next(400));
            if (process.HasExited)
            {
                // The server may still count the killed process as the slot's holder for a moment.
                log.Add($"exited {process.ExitCode}: {await process.StandardError.ReadToEndAsync()}");
                Assert.True(log.Count < 20, string.Join('\n', log));
                continue;
            }

            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            log.Add($"killed: {await process.StandardOutput.ReadToEndAsync()}{await process.StandardError.ReadToEndAsync()}");
            killed++;
        }

        await stopWriting.CancelAsync();
        var transactions = await writer;
        // The killed processes did apply (the final drain below must not be what makes the test pass).
        Assert.True(await cdc.Target.ScalarAsync<bool>($"SELECT applied_lsn > '{snapshotAt}' FROM mirror.sluice_cdc_state"), "the killed processes applied nothing: " + string.Join('\n', log));
        var drain = await RunToEndAsync(cdc);

        Assert.True(transactions > 50, $"the writer committed only {transactions} transactions");
        Assert.True(drain.ExitCode == 0, drain.Output);
        await cdc.AssertMirroredAsync("customers", "orders");
    }

    /// <summary>Transactions of inserts, updates and deletes until cancelled; returns how many committed.</summary>
    private static async Task<int> WriteAsync(string connectionString, CancellationToken stop)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(CancellationToken.None);
        var random = new Random(1);
        var committed = 0;
        var next = 100_000L;
        while (!stop.IsCancellationRequested)
        {
            await using var transaction = await connection.BeginTransactionAsync(CancellationToken.None);
            await using var batch = new NpgsqlBatch(connection, transaction)
            {
                BatchCommands =
                {
                    new("INSERT INTO orders SELECT g, 1 + g % 50, g % 1000, now(), 'new' FROM generate_series($1::bigint, $1::bigint + 19) g") { Parameters = { new() { Value = next } } },
                    new("UPDATE orders SET amount = coalesce(amount, 0) + 1, note = 'u' || $1 WHERE id % 97 = $2") { Parameters = { new() { Value = committed }, new() { Value = random.Next(97) } } },
                    new("DELETE FROM orders WHERE id IN (SELECT id FROM orders WHERE id % 89 = $1 LIMIT 3)") { Parameters = { new() { Value = random.Next(89) } } },
                    new("UPDATE customers SET email = 'e' || $1 WHERE id = $2") { Parameters = { new() { Value = committed }, new() { Value = 1 + random.Next(50) } } },
                },
            };
            await batch.ExecuteNonQueryAsync(CancellationToken.None);
            await transaction.CommitAsync(CancellationToken.None);
            next += 20;
            committed++;
            await Task.Delay(5, CancellationToken.None);
        }

        return committed;
    }

    /// <summary>A last bounded drain, retried while the server still holds the slot for the last killed process.</summary>
    private static async Task<(int ExitCode, string Output)> RunToEndAsync(CdcHarness cdc)
    {
        var output = string.Empty;
        for (var attempt = 0; attempt < 20; attempt++)
        {
            using var process = Start(cdc.Project.PathOf("shop_cdc.yaml"), cdc.Project.Root, "run", "--once");
            var stdout = process.StandardOutput.ReadToEndAsync();
            var stderr = process.StandardError.ReadToEndAsync();
            await process.WaitForExitAsync();
            output = await stdout + await stderr;
            if (process.ExitCode == 0 || !output.Contains("is in use", StringComparison.Ordinal))
            {
                return (process.ExitCode, output);
            }

            await Task.Delay(250);
        }

        return (-1, output);
    }

    internal static Process Start(string pipeline, string folder, params string[] arguments)
    {
        var info = new ProcessStartInfo("dotnet") { WorkingDirectory = folder, RedirectStandardOutput = true, RedirectStandardError = true };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sluice.dll"));
        info.ArgumentList.Add("cdc");
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }

        info.ArgumentList.Add(pipeline);
        info.Environment["SLUICE_STATE_DIR"] = Path.Combine(folder, ".sluice");
        return Process.Start(info) ?? throw new InvalidOperationException("could not start dotnet sluice.dll");
    }
}
