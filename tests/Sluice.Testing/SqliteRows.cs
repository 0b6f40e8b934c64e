using Microsoft.Data.Sqlite;

namespace Sluice.Testing;

/// <summary>Rows of a SQLite database file as 'a|b' text (NULL as <c>NULL</c>), to compare what a pipeline loaded.</summary>
public static class SqliteRows
{
    public static List<string> Read(string file, string sql)
    {
        using var connection = new SqliteConnection($"Data Source={file};Pooling=false");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = sql;
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(string.Join('|', Enumerable.Range(0, reader.FieldCount).Select(i => reader.IsDBNull(i) ? "NULL" : Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return rows;
    }
}
