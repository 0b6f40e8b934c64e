using System.Globalization;
using DuckDB.NET.Data;

namespace Sluice.Transforms.Tests.Infrastructure;

/// <summary>Read-only queries against a DuckDB file or Parquet files, to check what a pipeline wrote.</summary>
internal sealed class Warehouse(string path)
{
    public bool Exists => File.Exists(path);

    public List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection(path == ":memory:" ? "DataSource=:memory:" : $"DataSource={path};ACCESS_MODE=READ_ONLY");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
        {
            var values = new object?[reader.FieldCount];
            for (var i = 0; i < reader.FieldCount; i++)
            {
                values[i] = reader.IsDBNull(i) ? null : reader.GetValue(i);
            }

            rows.Add(values);
        }

        return rows;
    }

    /// <summary>Column names and DuckDB types of a query's result.</summary>
    public List<(string Name, string Type)> Columns(string sql) =>
        Query($"DESCRIBE {sql}").Select(r => ((string)r[0]!, (string)r[1]!)).ToList();

    /// <summary>A staged Parquet file as a query.</summary>
    public static string Parquet(string path) => $"SELECT * FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}')";

    public long Count(string table) => Convert.ToInt64(Query($"SELECT count(*) FROM {table}")[0][0], CultureInfo.InvariantCulture);

    public bool HasTable(string table) =>
        Convert.ToInt64(Query($"SELECT count(*) FROM information_schema.tables WHERE table_name = '{table}'")[0][0], CultureInfo.InvariantCulture) > 0;

    /// <summary>Every row of a table as text, sorted: equal snapshots mean equal tables.</summary>
    public string Snapshot(string table) =>
        string.Join('\n', Query($"SELECT * FROM {table}").Select(r => string.Join('|', r.Select(Text))).Order(StringComparer.Ordinal));

    private static string Text(object? value) => value switch
    {
        null => "NULL",
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFF", CultureInfo.InvariantCulture),
        _ => Convert.ToString(value, CultureInfo.InvariantCulture) ?? "NULL",
    };

    public static Warehouse InMemory() => new(":memory:");
}
