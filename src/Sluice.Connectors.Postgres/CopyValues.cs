using System.Collections;
using System.Data.Common;
using System.Globalization;
using System.Numerics;
using System.Text.Json;
using DuckDB.NET.Native;
using Npgsql;
using NpgsqlTypes;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// Moves one staged column's values into a binary COPY. Binary COPY needs the exact wire type of
/// the target column, so values are converted to the target's type; the common exact matches read
/// typed values straight, because they run once per value of millions of rows.
/// </summary>
internal static class CopyValues
{
    /// <summary>
    /// Reads a staged value already converted to the .NET type Npgsql writes for the target column.
    /// Runs on the reading thread, so the conversions overlap with the COPY.
    /// </summary>
    public static Func<DbDataReader, int, object> Reader(PgColumn target, string duckType)
    {
        var type = duckType.ToUpperInvariant();
        return (target.Kind, target.Element, type) switch
        {
            (PgKind.Bigint, null, "BIGINT") => (r, i) => r.GetInt64(i),
            (PgKind.Integer, null, "INTEGER") => (r, i) => r.GetInt32(i),
            (PgKind.Smallint, null, "SMALLINT") => (r, i) => r.GetInt16(i),
            (PgKind.Double, null, "DOUBLE") => (r, i) => r.GetDouble(i),
            (PgKind.Real, null, "FLOAT") => (r, i) => r.GetFloat(i),
            (PgKind.Boolean, null, "BOOLEAN") => (r, i) => r.GetBoolean(i),
            (PgKind.Numeric, null, _) when type.StartsWith("DECIMAL", StringComparison.Ordinal) => (r, i) => r.GetDecimal(i),
            (PgKind.Text or PgKind.Json or PgKind.Jsonb, null, "VARCHAR" or "JSON") => (r, i) => r.GetString(i),
            (PgKind.Date, null, "DATE") => (r, i) => r.GetFieldValue<DateOnly>(i),
            (PgKind.Timestamp, null, "TIMESTAMP") => (r, i) => DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Unspecified),
            (PgKind.TimestampTz, null, "TIMESTAMP WITH TIME ZONE") => (r, i) => DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc),
            (PgKind.Uuid, null, "UUID") => (r, i) => r.GetGuid(i),
            (_, { } element, _) when type.EndsWith("[]", StringComparison.Ordinal) => List(element, type[..^2]),
            _ => (r, i) => Convert(Read(r, i, type), target.Kind),
        };
    }

    /// <summary>Writes a value from <see cref="Reader"/> with the target's wire type, unboxed to its exact type.</summary>
    public static Action<object, NpgsqlBinaryImporter> Writer(PgColumn target)
    {
        var dbType = target.DbType;
        return target.Element is not null
            ? (v, w) => w.Write(v, dbType)
            : target.Kind switch
            {
                PgKind.Bigint => (v, w) => w.Write((long)v, dbType),
                PgKind.Integer => (v, w) => w.Write((int)v, dbType),
                PgKind.Smallint => (v, w) => w.Write((short)v, dbType),
                PgKind.Double => (v, w) => w.Write((double)v, dbType),
                PgKind.Real => (v, w) => w.Write((float)v, dbType),
                PgKind.Boolean => (v, w) => w.Write((bool)v, dbType),
                PgKind.Numeric => (v, w) => w.Write((decimal)v, dbType),
                PgKind.Date => (v, w) => w.Write((DateOnly)v, dbType),
                PgKind.Time => (v, w) => w.Write((TimeOnly)v, dbType),
                PgKind.Timestamp or PgKind.TimestampTz => (v, w) => w.Write((DateTime)v, dbType),
                PgKind.Uuid => (v, w) => w.Write((Guid)v, dbType),
                PgKind.Interval => (v, w) => w.Write((NpgsqlInterval)v, dbType),
                PgKind.Bytea => (v, w) => w.Write((byte[])v, dbType),
                _ => (v, w) => w.Write((string)v, dbType),
            };
    }

    /// <summary>A staged value as .NET reads it; intervals and lists need typed reads (months, null elements).</summary>
    private static object Read(DbDataReader reader, int ordinal, string duckType) =>
        duckType == "INTERVAL" ? reader.GetFieldValue<DuckDBInterval>(ordinal) : reader.GetValue(ordinal);

    private static Func<DbDataReader, int, object> List(PgKind element, string duckElement)
    {
        var clr = ClrType(element);
        var read = ListReader(duckElement);
        return (r, i) =>
        {
            var items = read(r, i);
            var array = Array.CreateInstance(clr, items.Count);
            for (var k = 0; k < items.Count; k++)
            {
                array.SetValue(items[k] is { } item ? Convert(item, element) : null, k);
            }

            return array;
        };
    }

    private static Func<DbDataReader, int, IList> ListReader(string duckElement) => duckElement switch
    {
        "BOOLEAN" => (r, i) => r.GetFieldValue<List<bool?>>(i),
        "TINYINT" => (r, i) => r.GetFieldValue<List<sbyte?>>(i),
        "SMALLINT" => (r, i) => r.GetFieldValue<List<short?>>(i),
        "INTEGER" => (r, i) => r.GetFieldValue<List<int?>>(i),
        "BIGINT" => (r, i) => r.GetFieldValue<List<long?>>(i),
        "FLOAT" => (r, i) => r.GetFieldValue<List<float?>>(i),
        "DOUBLE" => (r, i) => r.GetFieldValue<List<double?>>(i),
        "DATE" => (r, i) => r.GetFieldValue<List<DateOnly?>>(i),
        "TIME" => (r, i) => r.GetFieldValue<List<TimeOnly?>>(i),
        "TIMESTAMP" or "TIMESTAMP WITH TIME ZONE" => (r, i) => r.GetFieldValue<List<DateTime?>>(i),
        "UUID" => (r, i) => r.GetFieldValue<List<Guid?>>(i),
        _ when duckElement.StartsWith("DECIMAL", StringComparison.Ordinal) => (r, i) => r.GetFieldValue<List<decimal?>>(i),
        _ => (r, i) => r.GetFieldValue<List<string?>>(i),
    };

    private static Type ClrType(PgKind kind) => kind switch
    {
        PgKind.Boolean => typeof(bool?),
        PgKind.Smallint => typeof(short?),
        PgKind.Integer => typeof(int?),
        PgKind.Bigint => typeof(long?),
        PgKind.Real => typeof(float?),
        PgKind.Double => typeof(double?),
        PgKind.Numeric => typeof(decimal?),
        PgKind.Date => typeof(DateOnly?),
        PgKind.Time => typeof(TimeOnly?),
        PgKind.Timestamp or PgKind.TimestampTz => typeof(DateTime?),
        PgKind.Uuid => typeof(Guid?),
        PgKind.Interval => typeof(NpgsqlInterval?),
        PgKind.Bytea => typeof(byte[]),
        _ => typeof(string),
    };

    /// <summary>Converts a staged value to the .NET type Npgsql writes for the target kind; overflow is bad data.</summary>
    public static object Convert(object value, PgKind kind) => kind switch
    {
        PgKind.Boolean => System.Convert.ToBoolean(value, CultureInfo.InvariantCulture),
        PgKind.Smallint => value is BigInteger b ? (short)b : System.Convert.ToInt16(value, CultureInfo.InvariantCulture),
        PgKind.Integer => value is BigInteger b ? (int)b : System.Convert.ToInt32(value, CultureInfo.InvariantCulture),
        PgKind.Bigint => value is BigInteger b ? (long)b : System.Convert.ToInt64(value, CultureInfo.InvariantCulture),
        PgKind.Real => value is BigInteger b ? (float)b : System.Convert.ToSingle(value, CultureInfo.InvariantCulture),
        PgKind.Double => value is BigInteger b ? (double)b : System.Convert.ToDouble(value, CultureInfo.InvariantCulture),
        PgKind.Numeric => value is BigInteger b ? (decimal)b : System.Convert.ToDecimal(value, CultureInfo.InvariantCulture),
        PgKind.Date => value is DateTime d ? DateOnly.FromDateTime(d) : (DateOnly)value,
        PgKind.Time => value is TimeSpan t ? TimeOnly.FromTimeSpan(t) : (TimeOnly)value,
        PgKind.Timestamp => value is DateOnly d ? d.ToDateTime(TimeOnly.MinValue) : DateTime.SpecifyKind((DateTime)value, DateTimeKind.Unspecified),
        // DuckDB hands TIMESTAMPTZ (and naive timestamps loaded into timestamptz) over as UTC.
        PgKind.TimestampTz => value is DateOnly d ? d.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc) : DateTime.SpecifyKind((DateTime)value, DateTimeKind.Utc),
        PgKind.Uuid => value is string s ? Guid.Parse(s, CultureInfo.InvariantCulture) : (Guid)value,
        PgKind.Interval => value is DuckDBInterval v ? new NpgsqlInterval((int)v.Months, (int)v.Days, (long)v.Micros) : new NpgsqlInterval(0, 0, ((TimeSpan)value).Ticks / 10),
        PgKind.Bytea => value is Stream stream ? ReadAll(stream) : (byte[])value,
        _ => Text(value),
    };

    private static string Text(object value) => value switch
    {
        string s => s,
        Guid g => g.ToString(),
        IDictionary or IList => JsonSerializer.Serialize(value),
        IFormattable f => f.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? string.Empty,
    };

    private static byte[] ReadAll(Stream stream)
    {
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
