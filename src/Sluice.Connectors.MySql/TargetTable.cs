using MySqlConnector;

namespace Sluice.Connectors.MySql;

/// <summary>Catalog look-ups and statements for one target table of <c>sink: mysql</c>.</summary>
internal sealed class TargetTable(MySqlConnection connection, string? schema, string table)
{
    public string Table => table;

    public string Quoted => MySqlText.Qualified(schema, table);

    public string Database => schema ?? connection.Database;

    public MySqlTransaction? Transaction { get; set; }

    public override string ToString() => $"{Database}.{table}";

    /// <summary>The table's column names in order, or null when there is no such base table.</summary>
    public async Task<List<string>?> ColumnsAsync(CancellationToken cancellationToken)
    {
        await using var command = Command(
            """
            SELECT c.COLUMN_NAME FROM information_schema.COLUMNS c
            JOIN information_schema.TABLES t ON t.TABLE_SCHEMA = c.TABLE_SCHEMA AND t.TABLE_NAME = c.TABLE_NAME
            WHERE c.TABLE_SCHEMA = @s AND c.TABLE_NAME = @t AND t.TABLE_TYPE = 'BASE TABLE'
            ORDER BY c.ORDINAL_POSITION
            """);
        command.Parameters.AddWithValue("@s", Database);
        command.Parameters.AddWithValue("@t", table);
        var columns = new List<string>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            columns.Add(reader.GetString(0));
        }

        return columns.Count == 0 ? null : columns;
    }

    /// <summary>Whether a primary key or unique index covers exactly these columns, as ON DUPLICATE KEY UPDATE needs to match by key.</summary>
    public async Task<bool> HasUniqueKeyAsync(IReadOnlyList<string> key, CancellationToken cancellationToken)
    {
        await using var command = Command(
            """
            SELECT INDEX_NAME, GROUP_CONCAT(LOWER(COLUMN_NAME) ORDER BY LOWER(COLUMN_NAME) SEPARATOR '\n')
            FROM information_schema.STATISTICS
            WHERE TABLE_SCHEMA = @s AND TABLE_NAME = @t AND NON_UNIQUE = 0 AND SUB_PART IS NULL
            GROUP BY INDEX_NAME
            """);
        command.Parameters.AddWithValue("@s", Database);
        command.Parameters.AddWithValue("@t", table);
        var wanted = string.Join('\n', key.Select(k => k.ToLowerInvariant()).Order(StringComparer.Ordinal));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            if (reader.GetString(1) == wanted)
            {
                return true;
            }
        }

        return false;
    }

    /// <summary>CREATE TABLE from the dataset's columns; a keyed load gets its key as the primary key.</summary>
    public Task CreateAsync(IReadOnlyList<(string Name, string Type)> columns, IReadOnlyList<string> key, string? name, CancellationToken cancellationToken)
    {
        var definitions = columns.Select(c =>
        {
            var isKey = key.Contains(c.Name, StringComparer.OrdinalIgnoreCase);
            return $"{MySqlText.Identifier(c.Name)} {MySqlTypes.For(c.Type, isKey)}{(isKey ? " NOT NULL" : string.Empty)}";
        }).ToList();
        if (key.Count > 0)
        {
            definitions.Add($"PRIMARY KEY ({MySqlText.List(key)})");
        }

        return ExecuteAsync($"CREATE TABLE {MySqlText.Qualified(schema, name ?? table)} ({string.Join(", ", definitions)}) ENGINE=InnoDB DEFAULT CHARSET=utf8mb4", cancellationToken);
    }

    public async Task<long> ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    public async Task<object?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    public MySqlCommand Command(string sql) => new(sql, connection, Transaction);
}
