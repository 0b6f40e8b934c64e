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
/// Writes one staged column's values into a binary COPY. Binary COPY needs the exact wire type of
/// the target column, so values are converted to the target's type; the common exact matches read
/// typed values without boxing, because they run once per value of millions of rows.
/// </summary>
internal static class CopyValues
{
    public delegate void Writer(DbDataReader reader, int ordinal, NpgsqlBinaryImporter importer);

    public static Writer For(PgColumn target, string duckType)
    {
        var type = duckType.ToUpperInvariant();
        var dbType = target.DbType;
        return (target.Kind, target.Element, type) switch
        {
            (PgKind.Bigint, null, "BIGINT") => (r, i, w) => w.Write(r.GetInt64(i), dbType),
            (PgKind.Integer, null, "INTEGER") => (r, i, w) => w.Write(r.GetInt32(i), dbType),
            (PgKind.Smallint, null, "SMALLINT") => (r, i, w) => w.Write(r.GetInt16(i), dbType),
            (PgKind.Double, null, "DOUBLE") => (r, i, w) => w.Write(r.GetDouble(i), dbType),
            (PgKind.Real, null, "FLOAT") => (r, i, w) => w.Write(r.GetFloat(i), dbType),
            (PgKind.Boolean, null, "BOOLEAN") => (r, i, w) => w.Write(r.GetBoolean(i), dbType),
            (PgKind.Numeric, null, _) when type.StartsWith("DECIMAL", StringComparison.Ordinal) => (r, i, w) => w.Write(r.GetDecimal(i), dbType),
            (PgKind.Text or PgKind.Json or PgKind.Jsonb, null, "VARCHAR" or "JSON") => (r, i, w) => w.Write(r.GetString(i), dbType),
            (PgKind.Date, null, "DATE") => (r, i, w) => w.Write(r.GetFieldValue<DateOnly>(i), dbType),
            (PgKind.Timestamp, null, "TIMESTAMP") => (r, i, w) => w.Write(DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Unspecified), dbType),
            (PgKind.TimestampTz, null, "TIMESTAMP WITH TIME ZONE") => (r, i, w) => w.Write(DateTime.SpecifyKind(r.GetDateTime(i), DateTimeKind.Utc), dbType),
            (PgKind.Uuid, null, "UUID") => (r, i, w) => w.Write(r.GetGuid(i), dbType),
            (_, { } element, _) when type.EndsWith("[]", StringComparison.Ordinal) => List(element, type[..^2], dbType),
            _ => (r, i, w) => w.Write(Convert(Read(r, i, type), target.Kind), dbType),
        };
    }

    /// <summary>A staged value as .NET reads it; intervals and lists need typed reads (months, null elements).</summary>
    private static object Read(DbDataReader reader, int ordinal, string duckType) =>
        duckType == "INTERVAL" ? reader.GetFieldValue<DuckDBInterval>(ordinal) : reader.GetValue(ordinal);

    private static Writer List(PgKind element, string duckElement, NpgsqlDbType dbType)
    {
        var clr = ClrType(element);
        var read = ListReader(duckElement);
        return (r, i, w) =>
        {
            var items = read(r, i);
            var array = Array.CreateInstance(clr, items.Count);
            for (var k = 0; k < items.Count; k++)
            {
                array.SetValue(items[k] is { } item ? Convert(item, element) : null, k);
            }

            w.Write<object>(array, dbType);
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
