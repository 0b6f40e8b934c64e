using DuckDB.NET.Data;

namespace Sluice.Bench.Crash;

/// <summary>
/// What a finished backfill left: per warehouse table its row count and sum(hash(row)), per lake
/// partition its Parquet files' row count and hash. Order-independent, so equal outputs give equal text.
/// </summary>
internal sealed record Fingerprint(IReadOnlyList<string> Lines)
{
    /// <summary>Columns whose value is the wall clock of the load, not data; they differ between equal runs.</summary>
    private static readonly HashSet<string> ClockColumns = new(StringComparer.OrdinalIgnoreCase) { "loaded_at" };

    public bool Equals(Fingerprint? other) => other is not null && Lines.SequenceEqual(other.Lines);

    public override int GetHashCode() => string.Join('\n', Lines).GetHashCode(StringComparison.Ordinal);

    /// <summary>The lines of this fingerprint that the reference does not have, and the reverse, for the report.</summary>
    public string DiffFrom(Fingerprint reference) =>
        string.Join("; ", Lines.Except(reference.Lines).Select(l => "got " + l)
            .Concat(reference.Lines.Except(Lines).Select(l => "expected " + l)));

    /// <summary>Reads the visible outputs only: hidden folders in the lake are a writer's staging, counted as leftovers.</summary>
    public static async Task<Fingerprint> ReadAsync(SalesProject project)
    {
        var lines = new List<string>();
        await using var connection = new DuckDBConnection("DataSource=:memory:");
        await connection.OpenAsync();
        if (File.Exists(project.Warehouse))
        {
            await ExecuteAsync(connection, $"ATTACH {Literal(project.Warehouse)} AS wh (READ_ONLY)");
            var tables = await QueryAsync(connection, "SELECT table_name FROM information_schema.tables WHERE table_catalog = 'wh' ORDER BY table_name");
            foreach (var table in tables.Select(t => t[0]))
            {
                var columns = (await QueryAsync(connection, $"SELECT column_name FROM information_schema.columns WHERE table_catalog = 'wh' AND table_name = {Literal(table)} ORDER BY ordinal_position"))
                    .Select(c => c[0]).Where(c => !ClockColumns.Contains(c)).Select(Quote);
                var row = await QueryAsync(connection, $"SELECT count(*)::VARCHAR, coalesce(sum(hash({string.Join(", ", columns)})::HUGEINT), 0)::VARCHAR FROM wh.main.{Quote(table)}");
                lines.Add($"warehouse {table}: {row[0][0]} rows, hash {row[0][1]}");
            }
        }
        else
        {
            lines.Add("warehouse: missing");
        }

        var parquet = Directory.Exists(project.Lake)
            ? Directory.EnumerateFiles(project.Lake, "*.parquet", SearchOption.AllDirectories)
                .Where(f => !Path.GetRelativePath(project.Lake, f).Split(Path.DirectorySeparatorChar).Any(part => part.StartsWith('.')))
                .Order(StringComparer.Ordinal).ToList()
            : [];
        foreach (var partition in parquet.GroupBy(f => Path.GetRelativePath(project.Lake, Path.GetDirectoryName(f)!)))
        {
            var files = string.Join(", ", partition.Select(Literal));
            var row = await QueryAsync(connection, $"SELECT count(*)::VARCHAR, coalesce(sum(hash(t)::HUGEINT), 0)::VARCHAR FROM read_parquet([{files}], hive_partitioning = false) AS t");
            lines.Add($"lake {partition.Key}: {partition.Count()} file(s), {row[0][0]} rows, hash {row[0][1]}");
        }

        return new Fingerprint(lines);
    }

    private static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    private static string Quote(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    private static async Task ExecuteAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    private static async Task<List<string[]>> QueryAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<string[]>();
        while (await reader.ReadAsync())
        {
            var row = new string[reader.FieldCount];
            for (var i = 0; i < row.Length; i++)
            {
                row[i] = reader.IsDBNull(i) ? "NULL" : reader.GetValue(i).ToString() ?? "";
            }

            rows.Add(row);
        }

        return rows;
    }
}
