using System.Diagnostics;
using System.Globalization;
using DuckDB.NET.Data;

namespace Sluice.Bench;

/// <summary>
/// The baseline child process: one DuckDB connection to a fresh warehouse file runs the equivalent
/// script, with the same memory limit and spill folder as Sluice's engine. Prints one
/// "step NAME: SECONDS s" line per statement.
/// </summary>
internal static class BaselineMain
{
    // Usage: sluice-bench --baseline PIPELINE_YAML DATA_DIR OUT_DIR LOGICAL_DATE
    public static async Task<int> RunAsync(IReadOnlyList<string> args)
    {
        if (args.Count != 4)
        {
            throw new BenchException("usage: sluice-bench --baseline PIPELINE_YAML DATA_DIR OUT_DIR LOGICAL_DATE");
        }

        var (pipeline, dataDir, outDir) = (args[0], args[1], args[2]);
        var date = DateOnly.ParseExact(args[3], "yyyy-MM-dd", CultureInfo.InvariantCulture);
        var script = BaselineScript.Build(pipeline, dataDir, outDir, date);
        Directory.CreateDirectory(Path.Combine(outDir, "lake")); // COPY ... PARTITION_BY creates only the last folder
        await File.WriteAllTextAsync(Path.Combine(outDir, "baseline.sql"), string.Join(";\n\n", script.Select(s => $"-- {s.Step}\n{s.Sql}")) + ";\n");

        // Same settings as Sluice's DuckDbSession: memory limit from SLUICE_DUCKDB_MEMORY_LIMIT, spill folder
        // <temp>/sluice-duckdb, threads from SLUICE_DUCKDB_THREADS or all cores.
        var memoryLimit = Environment.GetEnvironmentVariable("SLUICE_DUCKDB_MEMORY_LIMIT") ?? "2GB";
        var tempDir = Path.Combine(Path.GetTempPath(), "sluice-duckdb");
        Directory.CreateDirectory(tempDir);
        var total = Stopwatch.StartNew();
        await using (var connection = new DuckDBConnection($"DataSource={Path.Combine(outDir, "warehouse.duckdb")}"))
        {
            await connection.OpenAsync();
            await ExecuteAsync(connection, $"SET memory_limit = {BaselineScript.Literal(memoryLimit)}");
            await ExecuteAsync(connection, $"SET temp_directory = {BaselineScript.Literal(tempDir)}");
            if (int.TryParse(Environment.GetEnvironmentVariable("SLUICE_DUCKDB_THREADS"), out var threads))
            {
                await ExecuteAsync(connection, $"SET threads = {threads.ToString(CultureInfo.InvariantCulture)}");
            }

            foreach (var (step, sql) in script)
            {
                var watch = Stopwatch.StartNew();
                await ExecuteAsync(connection, sql);
                Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"step {step}: {watch.Elapsed.TotalSeconds:0.000} s"));
            }
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"baseline done in {total.Elapsed.TotalSeconds:0.000} s"));
        return 0;
    }

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }
}
