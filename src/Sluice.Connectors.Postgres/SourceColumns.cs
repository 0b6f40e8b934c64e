using System.Globalization;
using Npgsql;
using Npgsql.PostgresTypes;
using Npgsql.Schema;

namespace Sluice.Connectors.Postgres;

/// <summary>How one result column is staged: its DuckDB type and how a value is read from the row.</summary>
/// <param name="AsText">Read in PostgreSQL's text format (types without a faithful DuckDB twin).</param>
/// <param name="FinalType">Staged as text and cast to this type afterwards (lists with null elements, numerics wider than decimal).</param>
/// <param name="Export">Reads the value from a binary COPY export; null where only the reader path handles the type.</param>
internal sealed record SourceColumn(string Name, string StagedType, Func<NpgsqlDataReader, int, object?> Read, bool AsText = false, string? FinalType = null, Func<NpgsqlBinaryExporter, object>? Export = null)
{
    public string Type => FinalType ?? StagedType;
}

/// <summary>Maps PostgreSQL result columns to DuckDB types from the result's own metadata, before any row is read.</summary>
internal static class SourceColumns
{
    /// <summary>Unconstrained <c>numeric</c> has no declared scale; ten decimal places keep money and ratios exact.</summary>
    public const string UnconstrainedNumeric = "DECIMAL(38,10)";

    public static SourceColumn Map(NpgsqlDbColumn column)
    {
        var name = column.ColumnName;
        var type = Unwrap(column.PostgresType);
        if (type is PostgresArrayType array)
        {
            var element = Unwrap(array.Element);
            if (Scalar(element, column.NumericPrecision, column.NumericScale) is not { } scalar)
            {
                return Text(name);
            }

            return scalar.Type is "VARCHAR" or "JSON"
                ? new SourceColumn(name, scalar.Type + "[]", (r, i) => r.GetFieldValue<string?[]>(i))
                : new SourceColumn(name, "VARCHAR[]", (r, i) => ListText.Format((Array)r.GetValue(i), scalar.Type), FinalType: scalar.Type + "[]");
        }

        if (type.InternalName == "numeric" && column.NumericPrecision is > 28 and <= 38)
        {
            // Wider than .NET's decimal: the exact digits travel as text and DuckDB casts them.
            return new SourceColumn(name, "VARCHAR", (r, i) => r.GetString(i), AsText: true, FinalType: $"DECIMAL({column.NumericPrecision},{column.NumericScale ?? 0})");
        }

        return Scalar(type, column.NumericPrecision, column.NumericScale) is { } mapped
            ? new SourceColumn(name, mapped.Type, mapped.Read, Export: SourceCopy.Reader(type.InternalName, mapped.Type))
            : Text(name);
    }

    private static SourceColumn Text(string name) => new(name, "VARCHAR", (r, i) => r.GetString(i), AsText: true);

    private static PostgresType Unwrap(PostgresType type) => type is PostgresDomainType domain ? Unwrap(domain.BaseType) : type;

    private static (string Type, Func<NpgsqlDataReader, int, object?> Read)? Scalar(PostgresType type, int? precision, int? scale) => type.InternalName switch
    {
        "bool" => ("BOOLEAN", (r, i) => r.GetBoolean(i)),
        "int2" => ("SMALLINT", (r, i) => r.GetInt16(i)),
        "int4" => ("INTEGER", (r, i) => r.GetInt32(i)),
        "int8" => ("BIGINT", (r, i) => r.GetInt64(i)),
        "float4" => ("FLOAT", (r, i) => r.GetFloat(i)),
        "float8" => ("DOUBLE", (r, i) => r.GetDouble(i)),
        "numeric" => Numeric(precision, scale),
        "text" or "varchar" or "bpchar" or "name" or "citext" => ("VARCHAR", (r, i) => r.GetString(i)),
        "json" or "jsonb" => ("JSON", (r, i) => r.GetString(i)),
        "uuid" => ("UUID", (r, i) => r.GetGuid(i)),
        "bytea" => ("BLOB", (r, i) => r.GetFieldValue<byte[]>(i)),
        "date" => ("DATE", (r, i) => r.GetFieldValue<DateOnly>(i)),
        "time" => ("TIME", (r, i) => r.GetFieldValue<TimeOnly>(i)),
        "timestamp" => ("TIMESTAMP", (r, i) => r.GetDateTime(i)),
        "timestamptz" => ("TIMESTAMPTZ", (r, i) => r.GetFieldValue<DateTimeOffset>(i)),
        _ => null,
    };

    private static (string Type, Func<NpgsqlDataReader, int, object?> Read)? Numeric(int? precision, int? scale)
    {
        if (precision is not { } p || p <= 0)
        {
            return (UnconstrainedNumeric, (r, i) => Math.Round(r.GetDecimal(i), 10, MidpointRounding.AwayFromZero));
        }

        // Wider than DuckDB's DECIMAL(38): keep the exact digits as text.
        return p > 38 ? null : ($"DECIMAL({p},{scale ?? 0})", (r, i) => r.GetDecimal(i));
    }
}

/// <summary>
/// Typed PostgreSQL arrays (int4[], numeric[], uuid[]...) may hold NULL elements, which the dataset
/// writer's typed arrays cannot carry; they are staged as text lists and cast to the typed list by DuckDB.
/// </summary>
internal static class ListText
{
    public static string?[] Format(Array values, string elementType)
    {
        if (values.Rank > 1)
        {
            throw new InvalidCastException("multidimensional arrays are not supported");
        }

        var text = new string?[values.Length];
        var i = 0;
        foreach (var value in values)
        {
            text[i++] = value switch
            {
                null => null,
                bool b => b ? "true" : "false",
                float f => f.ToString("R", CultureInfo.InvariantCulture),
                double d => d.ToString("R", CultureInfo.InvariantCulture),
                DateOnly d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                // Npgsql reads date[] elements as DateTime.
                DateTime d when elementType == "DATE" => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
                TimeOnly t => t.ToString("HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
                DateTime { Kind: DateTimeKind.Utc } t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture) + "+00",
                DateTime t => t.ToString("yyyy-MM-dd HH:mm:ss.FFFFFFF", CultureInfo.InvariantCulture),
                byte[] bytes => string.Concat(bytes.Select(x => "\\x" + x.ToString("X2", CultureInfo.InvariantCulture))),
                _ => Convert.ToString(value, CultureInfo.InvariantCulture),
            };
        }

        return text;
    }
}
