using System.Globalization;
using MySqlConnector;

namespace Sluice.Connectors.MySql;

/// <summary>How one result column is staged: its DuckDB type and how a value is read from the row.</summary>
/// <param name="FinalType">Staged as text and cast to this type afterwards (decimals wider than .NET's decimal).</param>
internal sealed record SourceColumn(string Name, string StagedType, Func<MySqlDataReader, int, object?> Read, string? FinalType = null)
{
    public string Type => FinalType ?? StagedType;
}

/// <summary>
/// Maps MySQL/MariaDB result columns to the DuckDB types the other sources produce, from the
/// result's own metadata: unsigned integers keep their range (UINTEGER, UBIGINT...), decimals their
/// precision and scale, DATETIME is a TIMESTAMP and TIMESTAMP (stored as UTC) a TIMESTAMPTZ.
/// </summary>
internal static class SourceColumns
{
    public static SourceColumn Map(MySqlDbColumn column)
    {
        var name = column.ColumnName;
        return column.ProviderType switch
        {
            MySqlDbType.Bool => new(name, "BOOLEAN", (r, i) => r.GetBoolean(i)),
            // bit(1) is a flag; wider bit fields are numbers up to 64 bits.
            MySqlDbType.Bit when column.ColumnSize == 1 => new(name, "BOOLEAN", (r, i) => r.GetUInt64(i) != 0),
            MySqlDbType.Bit => new(name, "UBIGINT", (r, i) => r.GetUInt64(i)),
            MySqlDbType.Byte => new(name, "TINYINT", (r, i) => r.GetSByte(i)),
            MySqlDbType.UByte => new(name, "UTINYINT", (r, i) => r.GetByte(i)),
            MySqlDbType.Int16 => new(name, "SMALLINT", (r, i) => r.GetInt16(i)),
            MySqlDbType.UInt16 => new(name, "USMALLINT", (r, i) => r.GetUInt16(i)),
            MySqlDbType.Int24 or MySqlDbType.Int32 => new(name, "INTEGER", (r, i) => r.GetInt32(i)),
            MySqlDbType.UInt24 or MySqlDbType.UInt32 => new(name, "UINTEGER", (r, i) => r.GetUInt32(i)),
            MySqlDbType.Int64 => new(name, "BIGINT", (r, i) => r.GetInt64(i)),
            MySqlDbType.UInt64 => new(name, "UBIGINT", (r, i) => r.GetUInt64(i)),
            MySqlDbType.Year => new(name, "SMALLINT", (r, i) => (short)r.GetInt32(i)),
            MySqlDbType.Float => new(name, "FLOAT", (r, i) => r.GetFloat(i)),
            MySqlDbType.Double => new(name, "DOUBLE", (r, i) => r.GetDouble(i)),
            MySqlDbType.Decimal or MySqlDbType.NewDecimal => Decimal(name, column.NumericPrecision ?? 65, column.NumericScale ?? 0),
            MySqlDbType.Date or MySqlDbType.Newdate => new(name, "DATE", (r, i) => r.GetFieldValue<DateOnly>(i)),
            MySqlDbType.DateTime => new(name, "TIMESTAMP", (r, i) => r.GetDateTime(i)),
            // The session runs in UTC (MySqlConnections.OpenAsync), so the server converts TIMESTAMP to UTC.
            MySqlDbType.Timestamp => new(name, "TIMESTAMPTZ", (r, i) => new DateTimeOffset(DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc))),
            MySqlDbType.Time => new(name, "TIME", (r, i) => TimeOfDay(r.GetTimeSpan(i))),
            MySqlDbType.JSON => new(name, "JSON", (r, i) => r.GetString(i)),
            MySqlDbType.Guid => new(name, "UUID", (r, i) => r.GetGuid(i)),
            MySqlDbType.Binary or MySqlDbType.VarBinary or MySqlDbType.TinyBlob or MySqlDbType.Blob or MySqlDbType.MediumBlob
                or MySqlDbType.LongBlob or MySqlDbType.Geometry => new(name, "BLOB", (r, i) => r.GetFieldValue<byte[]>(i)),
            MySqlDbType.VarChar or MySqlDbType.String or MySqlDbType.VarString or MySqlDbType.TinyText or MySqlDbType.Text
                or MySqlDbType.MediumText or MySqlDbType.LongText or MySqlDbType.Enum or MySqlDbType.Set => new(name, "VARCHAR", (r, i) => r.GetString(i)),
            // Anything newer (VECTOR, ...) keeps its text form rather than failing the extract.
            _ => new(name, "VARCHAR", (r, i) => Convert.ToString(r.GetValue(i), CultureInfo.InvariantCulture)),
        };
    }

    private static SourceColumn Decimal(string name, int precision, int scale)
    {
        if (precision <= 28)
        {
            return new(name, $"DECIMAL({precision},{scale})", (r, i) => r.GetDecimal(i));
        }

        // Wider than .NET's decimal: the exact digits travel as text, and DuckDB casts them when they
        // fit its DECIMAL(38); MySQL's up to DECIMAL(65) stay text.
        return new(name, "VARCHAR", (r, i) => r.GetMySqlDecimal(i).ToString(), FinalType: precision <= 38 ? $"DECIMAL({precision},{scale})" : null);
    }

    /// <summary>MySQL's TIME is a duration (-838:59:59 to 838:59:59); only a time of day fits DuckDB's TIME.</summary>
    private static TimeOnly TimeOfDay(TimeSpan value) =>
        value >= TimeSpan.Zero && value < TimeSpan.FromDays(1)
            ? TimeOnly.FromTimeSpan(value)
            : throw new InvalidCastException($"the TIME value {value} is not a time of day (00:00:00 to 23:59:59.999999)");
}
