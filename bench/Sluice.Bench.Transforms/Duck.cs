using System.Globalization;
using System.Text;
using DuckDB.NET.Data;
using Sluice.Engine.DuckDb;

namespace Sluice.Bench.Transforms;

/// <summary>
/// Plain DuckDB.NET for the baselines and the checks: a fresh in-memory connection with the settings
/// Sluice's engine uses (memory limit, spill folder, threads), statements, and SQL files split in sections.
/// </summary>
internal static class Duck
{
    public static async Task<DuckDBConnection> OpenAsync(string? database = null)
    {
        var settings = DuckDbSettings.Default;
        var connection = new DuckDBConnection($"DataSource={database ?? ":memory:"}");
        await connection.OpenAsync();
        Directory.CreateDirectory(settings.TempDirectory);
        await ExecuteAsync(connection, $"SET memory_limit = {Literal(settings.MemoryLimit)}");
        await ExecuteAsync(connection, $"SET temp_directory = {Literal(settings.TempDirectory)}");
        if (settings.Threads is { } threads)
        {
            await ExecuteAsync(connection, $"SET threads = {threads.ToString(CultureInfo.InvariantCulture)}");
        }

        return connection;
    }

    public static async Task ExecuteAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync();
    }

    public static async Task<List<object?[]>> QueryAsync(DuckDBConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<object?[]>();
        while (await reader.ReadAsync())
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < values.Length; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(values);
        }

        return rows;
    }

    public static async Task<T> ScalarAsync<T>(DuckDBConnection connection, string sql)
    {
        var rows = await QueryAsync(connection, sql);
        return (T)Convert.ChangeType(rows[0][0]!, typeof(T), CultureInfo.InvariantCulture);
    }

    public static string Literal(string text) => "'" + text.Replace("'", "''", StringComparison.Ordinal) + "'";

    /// <summary>The sections of a SQL file, each starting at a line "-- @name"; other comment lines are dropped.</summary>
    public static IReadOnlyList<(string Name, string Sql)> Sections(string path)
    {
        var sections = new List<(string, string)>();
        string? name = null;
        var sql = new StringBuilder();
        foreach (var line in File.ReadLines(path).Append("-- @"))
        {
            if (line.StartsWith("-- @", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    sections.Add((name, sql.ToString().Trim().TrimEnd(';')));
                }

                (name, sql) = (line[4..].Trim(), new StringBuilder());
            }
            else if (!line.TrimStart().StartsWith("--", StringComparison.Ordinal))
            {
                sql.AppendLine(line);
            }
        }

        return sections;
    }
}
