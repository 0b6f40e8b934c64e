using Sluice.Crash;

namespace Sluice.Bench.Incremental;

/// <summary>Many SIGKILLs per mode with the CI test's harness; prints each trial and a summary per mode.</summary>
internal static class CrashBench
{
    public static async Task RunAsync(BenchDatabase server, BenchOptions options)
    {
        var database = await server.CreateAsync();
        var root = Path.Combine(Path.GetTempPath(), "sluice-bench-incremental", database);
        try
        {
            var harness = new IncrementalCrashHarness(root, server.ConnectionString(database), server.ConnectionsYaml(database), Paths.SluiceDll);
            await harness.SetupAsync(rows: 50_000);
            var (exit, log) = await harness.RunAsync([]);
            if (exit != 0)
            {
                throw new InvalidOperationException("the first, uninterrupted run failed:\n" + log);
            }

            var random = new Random(20);
            var trials = new List<CrashTrial>();
            for (var i = 0; i < options.Kills; i++)
            {
                foreach (var mode in Enum.GetValues<CrashMode>())
                {
                    var trial = await harness.CrashAndRecoverAsync(mode, random, newRows: 20_000 + random.Next(20_000), updates: 1000);
                    Console.WriteLine($"kill {trials.Count + 1}: {trial}");
                    trials.Add(trial);
                }
            }

            Console.WriteLine();
            Console.WriteLine("| mode | kills | landed at the point | exact after restart | missing | duplicates | stale |");
            Console.WriteLine("| --- | --- | --- | --- | --- | --- | --- |");
            foreach (var group in trials.GroupBy(t => t.Mode))
            {
                var landed = group.Count(t => !t.KilledAt.StartsWith("never", StringComparison.Ordinal));
                Console.WriteLine($"| {group.Key} | {group.Count()} | {landed} | {group.Count(t => t.Exact)} | {group.Sum(t => t.Missing)} | {group.Sum(t => t.Duplicates)} | {group.Sum(t => t.Stale)} |");
            }
        }
        finally
        {
            await server.DropAsync(database);
            TryDelete(root);
        }
    }

    internal static void TryDelete(string dir)
    {
        try
        {
            Directory.Delete(dir, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}

internal static class Paths
{
    /// <summary>The sluice CLI built beside the bench (a project reference).</summary>
    public static string SluiceDll => Path.Combine(AppContext.BaseDirectory, "sluice.dll");
}
