using System.Globalization;
using DuckDB.NET.Data;

namespace Sluice.Testing;

/// <summary>Read-only queries against a DuckDB file or Parquet files, to check what a pipeline wrote; shared by the test projects.</summary>
public sealed class Warehouse(string path)
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

    public object? Scalar(string sql) => Query(sql)[0][0];

    /// <summary>The kind of each relation of the warehouse (<c>main.x BASE TABLE</c>, <c>main.v VIEW</c>), sorted.</summary>
    public IReadOnlyList<string> Relations() =>
        Query("SELECT table_schema || '.' || table_name || ' ' || table_type FROM information_schema.tables WHERE table_catalog = current_database() ORDER BY ALL")
            .Select(r => (string)r[0]!).ToList();

    /// <summary>
    /// The whole warehouse as text: every relation with its kind, the stored SQL of each view, and every
    /// row of every relation. Two equal snapshots mean nothing observable changed.
    /// </summary>
    public string SnapshotAll()
    {
        var text = new System.Text.StringBuilder();
        foreach (var row in Query("SELECT table_schema, table_name, table_type FROM information_schema.tables WHERE table_catalog = current_database() ORDER BY ALL"))
        {
            var relation = $"\"{row[0]}\".\"{row[1]}\"";
            text.AppendLine($"== {row[0]}.{row[1]} {row[2]}");
            if ((string)row[2]! == "VIEW")
            {
                text.AppendLine(Convert.ToString(Scalar($"SELECT sql FROM duckdb_views() WHERE schema_name = '{row[0]}' AND view_name = '{row[1]}'"), CultureInfo.InvariantCulture));
            }

            text.AppendLine(Snapshot(relation));
        }

        return text.ToString();
    }

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
