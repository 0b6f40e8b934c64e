using Microsoft.Data.Sqlite;

namespace Sluice.Bench.Postgres;

/// <summary>One sluice run: process wall time, the named task's own time (from the run record) and peak RSS.</summary>
internal sealed record SluiceRun(double WallSeconds, double TaskSeconds, double PeakRssMiB);

internal static class Measure
{
    public static async Task<SluiceRun> SluiceAsync(string sluiceDll, string pipeline, string task, BenchServer server, string? duckDbMemoryLimit = null)
    {
        var state = Path.Combine(Path.GetDirectoryName(pipeline)!, "state-" + Guid.NewGuid().ToString("N")[..8]);
        try
        {
            var env = new Dictionary<string, string> { ["SLUICE_TEST_PG_PASSWORD"] = server.Password };
            if (duckDbMemoryLimit is not null)
            {
                env["SLUICE_DUCKDB_MEMORY_LIMIT"] = duckDbMemoryLimit;
            }

            var (wall, rss) = await Shell.SluiceAsync(sluiceDll, pipeline, state, env);
            return new SluiceRun(wall.TotalSeconds, TaskSeconds(Path.Combine(state, "sluice.db"), task), rss);
        }
        finally
        {
            Directory.Delete(state, recursive: true);
        }
    }

    private static double TaskSeconds(string metadata, string task)
    {
        using var connection = new SqliteConnection($"Data Source={metadata};Mode=ReadOnly;Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT started_at, ended_at, state FROM task_instances WHERE task_id = @t";
        command.Parameters.AddWithValue("@t", task);
        using var reader = command.ExecuteReader();
        reader.Read();
        if (reader.GetString(2) != "success")
        {
            throw new InvalidOperationException($"task {task} ended {reader.GetString(2)}");
        }

        return (DateTimeOffset.Parse(reader.GetString(1), System.Globalization.CultureInfo.InvariantCulture) - DateTimeOffset.Parse(reader.GetString(0), System.Globalization.CultureInfo.InvariantCulture)).TotalSeconds;
    }

    public static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    public static string LoadAverage() => File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";
}
