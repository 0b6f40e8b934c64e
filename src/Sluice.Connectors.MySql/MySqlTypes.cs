namespace Sluice.Connectors.MySql;

/// <summary>The column type a table created by <c>sink: mysql</c> gets for each staged DuckDB type.</summary>
internal static class MySqlTypes
{
    /// <summary>Key columns of a created table are indexed, and MySQL cannot index a TEXT column whole.</summary>
    public const string IndexableText = "VARCHAR(255)";

    public static string For(string duckDbType, bool indexed = false)
    {
        var type = duckDbType.ToUpperInvariant();
        if (type.StartsWith("DECIMAL", StringComparison.Ordinal))
        {
            return type;
        }

        return type switch
        {
            "BOOLEAN" => "BOOLEAN",
            "TINYINT" => "TINYINT",
            "UTINYINT" => "TINYINT UNSIGNED",
            "SMALLINT" => "SMALLINT",
            "USMALLINT" => "SMALLINT UNSIGNED",
            "INTEGER" => "INT",
            "UINTEGER" => "INT UNSIGNED",
            "BIGINT" => "BIGINT",
            "UBIGINT" => "BIGINT UNSIGNED",
            "HUGEINT" => "DECIMAL(38,0)",
            "UHUGEINT" => "DECIMAL(39,0) UNSIGNED",
            "FLOAT" => "FLOAT",
            "DOUBLE" => "DOUBLE",
            "DATE" => "DATE",
            "TIME" => "TIME(6)",
            // DATETIME, not TIMESTAMP: TIMESTAMP ends in 2038 and converts through the session's zone.
            "TIMESTAMP" or "TIMESTAMP_S" or "TIMESTAMP_MS" or "TIMESTAMP_NS" => "DATETIME(6)",
            "TIMESTAMP WITH TIME ZONE" or "TIMESTAMPTZ" => "DATETIME(6)",
            "UUID" => "CHAR(36)",
            "BLOB" => indexed ? "VARBINARY(255)" : "LONGBLOB",
            "JSON" => "JSON",
            _ => indexed ? IndexableText : "LONGTEXT",
        };
    }

    /// <summary>
    /// The DuckDB expression that turns a staged value into one MySqlBulkCopy sends as MySQL reads it:
    /// instants in UTC, bytes as hex (unhexed by the server), lists and structs as JSON, and the rest
    /// as text where .NET has no exact twin (HUGEINT, UUID, TIME, DATE).
    /// </summary>
    public static string Export(string quotedColumn, string duckDbType)
    {
        var type = duckDbType.ToUpperInvariant();
        if (type.EndsWith(']') || type.StartsWith("STRUCT", StringComparison.Ordinal) || type.StartsWith("MAP", StringComparison.Ordinal))
        {
            return $"CAST(to_json({quotedColumn}) AS VARCHAR)";
        }

        return type switch
        {
            "TIMESTAMP WITH TIME ZONE" or "TIMESTAMPTZ" => $"strftime({quotedColumn}, '%Y-%m-%d %H:%M:%S.%f')",
            "TIMESTAMP" or "TIMESTAMP_S" or "TIMESTAMP_MS" or "TIMESTAMP_NS" => $"strftime({quotedColumn}, '%Y-%m-%d %H:%M:%S.%f')",
            "BLOB" => $"hex({quotedColumn})",
            "BOOLEAN" or "TINYINT" or "UTINYINT" or "SMALLINT" or "USMALLINT" or "INTEGER" or "UINTEGER" or "BIGINT" or "UBIGINT" or "FLOAT" or "DOUBLE" => quotedColumn,
            _ => $"CAST({quotedColumn} AS VARCHAR)",
        };
    }

    public static bool IsBlob(string duckDbType) => duckDbType.Equals("BLOB", StringComparison.OrdinalIgnoreCase);
}
