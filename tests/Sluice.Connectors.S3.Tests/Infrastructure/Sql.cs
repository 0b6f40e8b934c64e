using System.Globalization;
using DuckDB.NET.Data;

namespace Sluice.Connectors.S3.Tests.Infrastructure;

/// <summary>Queries over local files with an in-memory DuckDB, to check what a pipeline wrote.</summary>
internal static class Sql
{
    public static List<object?[]> Query(string sql)
    {
        using var connection = new DuckDBConnection("DataSource=:memory:");
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

    public static void Execute(string sql) => Query(sql);

    /// <summary>Every row as text, sorted: equal snapshots mean equal tables.</summary>
    public static string Snapshot(string from) =>
        string.Join('\n', Query($"SELECT * FROM {from}").Select(r => string.Join('|', r.Select(v => Convert.ToString(v, CultureInfo.InvariantCulture) ?? "NULL"))).Order(StringComparer.Ordinal));

    public static string Quote(string path) => "'" + path.Replace("'", "''", StringComparison.Ordinal) + "'";
}
