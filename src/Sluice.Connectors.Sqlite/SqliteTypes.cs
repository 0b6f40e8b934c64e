using System.Collections;
using System.Globalization;
using System.Text.Json;
using System.Text.RegularExpressions;
using Microsoft.Data.Sqlite;

namespace Sluice.Connectors.Sqlite;

/// <summary>
/// SQLite stores values dynamically; a column's declared type says what it means. Loads declare the
/// DuckDB type name (which SQLite's affinity rules understand), and extracts map declared types back.
/// </summary>
internal static partial class SqliteTypes
{
    /// <summary>The declared type a new SQLite column gets for a DuckDB type.</summary>
    public static string Declared(string duckType)
    {
        var type = duckType.Trim().ToUpperInvariant();
        return type switch
        {
            _ when type.EndsWith("[]", StringComparison.Ordinal) || type.StartsWith("STRUCT", StringComparison.Ordinal) || type.StartsWith("MAP", StringComparison.Ordinal) => "JSON",
            "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "UTINYINT" or "USMALLINT" or "UINTEGER" => "BIGINT",
            "FLOAT" or "DOUBLE" => "DOUBLE",
            "VARCHAR" => "TEXT",
            "TIMESTAMP WITH TIME ZONE" => "TIMESTAMPTZ",
            "BOOLEAN" or "DATE" or "TIME" or "TIMESTAMP" or "UUID" or "JSON" or "BLOB" => type,
            _ when type.StartsWith("DECIMAL", StringComparison.Ordinal) => type.Replace(" ", string.Empty, StringComparison.Ordinal),
            _ => "TEXT",
        };
    }

    /// <summary>A staged value as SQLite stores it: dates and times as ISO text, lists and structs as JSON.</summary>
    public static object ToSqlite(object value) => value switch
    {
        bool b => b ? 1L : 0L,
        DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
        DateTimeOffset t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFFzzz", CultureInfo.InvariantCulture),
        Guid g => g.ToString(),
        decimal m => m.ToString(CultureInfo.InvariantCulture),
        System.Numerics.BigInteger i => i.ToString(CultureInfo.InvariantCulture),
        Stream s => ReadAll(s),
        IDictionary or IList => JsonSerializer.Serialize(value),
        _ => value,
    };

    /// <summary>The DuckDB type of a result column, from its declared type or else the first row's storage class.</summary>
    public static string FromSqlite(string? declared, string storageClass)
    {
        var type = (declared ?? string.Empty).Trim().ToUpperInvariant();
        if (type.Length == 0)
        {
            return storageClass.ToUpperInvariant() switch { "INTEGER" => "BIGINT", "REAL" => "DOUBLE", "BLOB" => "BLOB", _ => "VARCHAR" };
        }

        if (Decimal().Match(type) is { Success: true } d)
        {
            return $"DECIMAL({d.Groups[1].Value},{(d.Groups[2].Success ? d.Groups[2].Value : "0")})";
        }

        return type switch
        {
            "DATE" or "TIME" or "UUID" or "JSON" or "TIMESTAMPTZ" => type,
            "TIMESTAMP WITH TIME ZONE" => "TIMESTAMPTZ",
            _ when type.Contains("BOOL", StringComparison.Ordinal) => "BOOLEAN",
            _ when type.Contains("DATETIME", StringComparison.Ordinal) || type.Contains("TIMESTAMP", StringComparison.Ordinal) => "TIMESTAMP",
            // SQLite's own affinity rules, in their order.
            _ when type.Contains("INT", StringComparison.Ordinal) => "BIGINT",
            _ when type.Contains("CHAR", StringComparison.Ordinal) || type.Contains("CLOB", StringComparison.Ordinal) || type.Contains("TEXT", StringComparison.Ordinal) => "VARCHAR",
            _ when type.Contains("BLOB", StringComparison.Ordinal) => "BLOB",
            _ => "DOUBLE",
        };
    }

    /// <summary>Reads a value of a dynamically typed column as the mapped type.</summary>
    public static object Read(SqliteDataReader reader, int ordinal, string duckType) => duckType switch
    {
        "BIGINT" => reader.GetInt64(ordinal),
        "DOUBLE" => reader.GetDouble(ordinal),
        "BOOLEAN" => reader.GetFieldType(ordinal) == typeof(string) ? bool.Parse(reader.GetString(ordinal)) : reader.GetInt64(ordinal) != 0,
        "DATE" => DateOnly.FromDateTime(reader.GetDateTime(ordinal)),
        "TIME" => TimeOnly.Parse(reader.GetString(ordinal), CultureInfo.InvariantCulture),
        "TIMESTAMP" => reader.GetDateTime(ordinal),
        "TIMESTAMPTZ" => reader.GetDateTimeOffset(ordinal),
        "UUID" => reader.GetGuid(ordinal),
        "BLOB" => reader.GetFieldValue<byte[]>(ordinal),
        _ when duckType.StartsWith("DECIMAL", StringComparison.Ordinal) => reader.GetDecimal(ordinal),
        _ => reader.GetString(ordinal),
    };

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }

    [GeneratedRegex(@"^(?:DECIMAL|NUMERIC)\s*\(\s*(\d+)\s*(?:,\s*(\d+)\s*)?\)$")]
    private static partial Regex Decimal();
}
