using DuckDB.NET.Data;

namespace Sluice.Connectors.Postgres.Tests.Infrastructure;

/// <summary>Reads a staged Parquet file (or a warehouse file) with DuckDB, to check the types and values a task wrote.</summary>
internal static class StagedFile
{
    public static List<(string Name, string Type)> Schema(string path) =>
        Query($"DESCRIBE SELECT * FROM read_parquet('{path.Replace("'", "''", StringComparison.Ordinal)}')").Select(r => ((string)r[0]!, (string)r[1]!)).ToList();

    /// <summary>Runs a query on an in-memory database, or on a DuckDB database file.</summary>
    public static List<object?[]> Query(string sql, string database = ":memory:")
    {
        using var connection = new DuckDBConnection($"DataSource={database}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<object?[]>();
        while (reader.Read())
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
}
