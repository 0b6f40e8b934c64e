using System.Diagnostics;
using System.Globalization;
using Microsoft.Data.Sqlite;

namespace Sluice.Bench.Incremental;

/// <summary>
/// "Time follows new rows, not table size": the same incremental run picks up the same number of new
/// rows from a small and a large table (each with an index on the cursor), through the real CLI; the
/// medians of both, and their ratio, are printed. A ratio near 1 means the table's size does not matter.
/// </summary>
internal static class ScaleBench
{
    private const string Pipeline = """
        name: inc_scale
        tasks:
          extract:
            source: postgres
            output: rows
            incremental: { cursor: updated_at, primary_key: [id] }
            with: { connection: wh, table: big }
          load: { sink: postgres, input: rows, with: { connection: wh, table: big_copy, mode: upsert, key: [id] } }
        """;

    public static async Task RunAsync(BenchDatabase server, BenchOptions options)
    {
        var small = await MeasureAsync(server, options, options.Small);
        var large = await MeasureAsync(server, options, options.Large);
        Console.WriteLine();
        Console.WriteLine($"| table rows | new rows | extract task (median of {options.Repeat}) | whole run incl. process start (median) |");
        Console.WriteLine("| --- | --- | --- | --- |");
        foreach (var (rows, m) in new[] { (options.Small, small), (options.Large, large) })
        {
            Console.WriteLine($"| {rows:N0} | {options.NewRows:N0} | {m.Extract.TotalMilliseconds:0} ms | {m.Run.TotalMilliseconds:0} ms |");
        }

        Console.WriteLine($"ratio large/small ({options.Large / (double)options.Small:0.#}x the rows): extract {large.Extract / small.Extract:0.00}, whole run {large.Run / small.Run:0.00}");
    }

    private static async Task<(TimeSpan Extract, TimeSpan Run)> MeasureAsync(BenchDatabase server, BenchOptions options, long size)
    {
        var database = await server.CreateAsync();
        var root = Path.Combine(Path.GetTempPath(), "sluice-bench-incremental", database);
        Directory.CreateDirectory(root);
        try
        {
            await File.WriteAllTextAsync(Path.Combine(root, "pipeline.yaml"), Pipeline);
            await File.WriteAllTextAsync(Path.Combine(root, "connections.yaml"), server.ConnectionsYaml(database));
            var seed = Stopwatch.StartNew();
            await server.ExecuteAsync(database, $"""
                CREATE TABLE big (id bigint PRIMARY KEY, v text NOT NULL, updated_at timestamptz NOT NULL);
                INSERT INTO big SELECT g, md5(g::text), timestamptz '2024-01-01 00:00:00+00' + g * interval '1 second' FROM generate_series(1, {size}) g;
                CREATE INDEX big_by_cursor ON big (updated_at);
                """);
            // Vacuumed now, so autovacuum of the fresh table does not run during the timed runs.
            await server.ExecuteAsync(database, "VACUUM (ANALYZE) big");
            var top = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero).AddSeconds(size);
            Console.WriteLine($"{size:N0} rows seeded in {seed.Elapsed.TotalSeconds:0.#}s; watermark set to the newest row ({top:O})");
            await SluiceAsync(root, "state", "set", "pipeline.yaml", "extract", top.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));

            var extracts = new List<TimeSpan>();
            var runs = new List<TimeSpan>();
            for (var r = 0; r < options.Repeat; r++)
            {
                var next = size + (r * options.NewRows) + 1;
                await server.ExecuteAsync(database, $"INSERT INTO big SELECT g, md5(g::text), clock_timestamp() FROM generate_series({next}, {next + options.NewRows - 1}) g");
                var clock = Stopwatch.StartNew();
                await SluiceAsync(root, "run", "pipeline.yaml", "--date", "2024-03-01");
                runs.Add(clock.Elapsed);
                var (extract, read) = await ExtractTaskAsync(root);
                extracts.Add(extract);
                Console.WriteLine($"  {size:N0} rows, run {r + 1}: extract read {read:N0} row(s) in {extract.TotalMilliseconds:0} ms; whole run {clock.Elapsed.TotalMilliseconds:0} ms");
            }

            return (Median(extracts), Median(runs));
        }
        finally
        {
            await server.DropAsync(database);
            CrashBench.TryDelete(root);
        }
    }

    private static TimeSpan Median(List<TimeSpan> values) => values.Order().ElementAt(values.Count / 2);

    /// <summary>The newest run's extract task: how long it ran and how many rows it read, from the state file.</summary>
    private static async Task<(TimeSpan Duration, long Rows)> ExtractTaskAsync(string root)
    {
        await using var connection = new SqliteConnection($"Data Source={Path.Combine(root, ".sluice", "sluice.db")};Mode=ReadOnly;Pooling=false");
        await connection.OpenAsync();
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT started_at, ended_at, rows_read FROM task_instances WHERE task_id = 'extract' AND run_id = (SELECT max(id) FROM runs)";
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var started = DateTimeOffset.Parse(reader.GetString(0), CultureInfo.InvariantCulture);
        var ended = DateTimeOffset.Parse(reader.GetString(1), CultureInfo.InvariantCulture);
        return (ended - started, reader.GetInt64(2));
    }

    private static async Task SluiceAsync(string root, params string[] arguments)
    {
        var start = new ProcessStartInfo("dotnet") { WorkingDirectory = root, RedirectStandardOutput = true, RedirectStandardError = true };
        start.ArgumentList.Add(Paths.SluiceDll);
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        start.ArgumentList.Add("--state-dir");
        start.ArgumentList.Add(Path.Combine(root, ".sluice"));
        start.Environment["SLUICE_PLAIN"] = "1";
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"sluice {string.Join(' ', arguments)} failed (exit {process.ExitCode}):\n{await output}{await error}");
        }
    }
}
