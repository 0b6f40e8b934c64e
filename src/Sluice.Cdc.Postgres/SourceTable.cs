using Npgsql;
using Sluice.Engine.DuckDb;

namespace Sluice.Cdc.Postgres;

/// <summary>A captured table's columns (name and full SQL type) and primary key, as the source's catalog says.</summary>
internal sealed record SourceTable(TableName Name, IReadOnlyList<(string Name, string Type)> Columns, IReadOnlyList<string> Key)
{
    public static async Task<SourceTable> ReadAsync(NpgsqlConnection source, TableName name, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        const string columnsSql = """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod)
            FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """;
        const string keySql = """
            SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY (i.indkey)
            WHERE i.indrelid = to_regclass($1) AND i.indisprimary ORDER BY array_position(i.indkey::int2[], a.attnum)
            """;
        var qualified = SqlText.Qualified(name.Schema, name.Table);
        var columns = new List<(string, string)>();
        await using (var command = new NpgsqlCommand(columnsSql, source, transaction) { Parameters = { new() { Value = qualified } } })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                columns.Add((reader.GetString(0), reader.GetString(1)));
            }
        }

        var key = new List<string>();
        await using (var command = new NpgsqlCommand(keySql, source, transaction) { Parameters = { new() { Value = qualified } } })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                key.Add(reader.GetString(0));
            }
        }

        return new SourceTable(name, columns, key);
    }

    /// <summary>The mirror table's DDL in the target schema: same names, same types, same key.</summary>
    public string CreateSql(string targetSchema)
    {
        var columns = Columns.Select(c => $"{SqlText.Identifier(c.Name)} {c.Type}").ToList();
        columns.Add($"PRIMARY KEY ({string.Join(", ", Key.Select(SqlText.Identifier))})");
        return $"CREATE TABLE IF NOT EXISTS {SqlText.Qualified(targetSchema, Name.Table)} ({string.Join(", ", columns)})";
    }
}
