using System.Text.RegularExpressions;
using NpgsqlTypes;

namespace Sluice.Connectors.Postgres;

/// <summary>The PostgreSQL column kinds a load writes, by the server's internal type name (<c>pg_type.typname</c>).</summary>
internal enum PgKind
{
    Boolean, Smallint, Integer, Bigint, Real, Double, Numeric, Text, Json, Jsonb, Bytea,
    Date, Time, Timestamp, TimestampTz, Uuid, Interval,
    /// <summary>Enums and other types whose binary input is their text (anything else fails at the server).</summary>
    Other,
}

/// <summary>A target column: its name, its declared type for messages, and how values are written.</summary>
internal sealed record PgColumn(string Name, string Declared, PgKind Kind, PgKind? Element)
{
    public NpgsqlDbType DbType => Element is { } e ? NpgsqlDbType.Array | PgTypes.DbType(e) : PgTypes.DbType(Kind);
}

/// <summary>DuckDB types (of a staged dataset) to PostgreSQL types, for new tables and compatibility checks.</summary>
internal static partial class PgTypes
{
    public static PgKind KindOf(string typname) => typname switch
    {
        "bool" => PgKind.Boolean,
        "int2" => PgKind.Smallint,
        "int4" => PgKind.Integer,
        "int8" => PgKind.Bigint,
        "float4" => PgKind.Real,
        "float8" => PgKind.Double,
        "numeric" => PgKind.Numeric,
        "text" or "varchar" or "bpchar" or "name" or "citext" => PgKind.Text,
        "json" => PgKind.Json,
        "jsonb" => PgKind.Jsonb,
        "bytea" => PgKind.Bytea,
        "date" => PgKind.Date,
        "time" => PgKind.Time,
        "timestamp" => PgKind.Timestamp,
        "timestamptz" => PgKind.TimestampTz,
        "uuid" => PgKind.Uuid,
        "interval" => PgKind.Interval,
        _ => PgKind.Other,
    };

    public static NpgsqlDbType DbType(PgKind kind) => kind switch
    {
        PgKind.Boolean => NpgsqlDbType.Boolean,
        PgKind.Smallint => NpgsqlDbType.Smallint,
        PgKind.Integer => NpgsqlDbType.Integer,
        PgKind.Bigint => NpgsqlDbType.Bigint,
        PgKind.Real => NpgsqlDbType.Real,
        PgKind.Double => NpgsqlDbType.Double,
        PgKind.Numeric => NpgsqlDbType.Numeric,
        PgKind.Json => NpgsqlDbType.Json,
        PgKind.Jsonb => NpgsqlDbType.Jsonb,
        PgKind.Bytea => NpgsqlDbType.Bytea,
        PgKind.Date => NpgsqlDbType.Date,
        PgKind.Time => NpgsqlDbType.Time,
        PgKind.Timestamp => NpgsqlDbType.Timestamp,
        PgKind.TimestampTz => NpgsqlDbType.TimestampTz,
        PgKind.Uuid => NpgsqlDbType.Uuid,
        PgKind.Interval => NpgsqlDbType.Interval,
        PgKind.Text => NpgsqlDbType.Text,
        _ => NpgsqlDbType.Unknown,
    };

    /// <summary>The PostgreSQL type a new column gets for a DuckDB type.</summary>
    public static string FromDuckDb(string duckType)
    {
        var type = duckType.Trim().ToUpperInvariant();
        if (type.EndsWith("[]", StringComparison.Ordinal))
        {
            var element = FromDuckDb(type[..^2]);
            // PostgreSQL arrays are not nested lists of lists; those become JSON.
            return element.EndsWith("[]", StringComparison.Ordinal) || element == "jsonb" && !type[..^2].StartsWith("JSON", StringComparison.Ordinal) ? "jsonb" : element + "[]";
        }

        if (Decimal().Match(type) is { Success: true } d)
        {
            return $"numeric({d.Groups[1].Value},{d.Groups[2].Value})";
        }

        return type switch
        {
            "BOOLEAN" => "boolean",
            "TINYINT" or "SMALLINT" or "UTINYINT" => "smallint",
            "INTEGER" or "USMALLINT" => "integer",
            "BIGINT" or "UINTEGER" => "bigint",
            "HUGEINT" => "numeric(38,0)",
            "UBIGINT" => "numeric(20,0)",
            "UHUGEINT" => "numeric(39,0)",
            "FLOAT" => "real",
            "DOUBLE" => "double precision",
            "VARCHAR" => "text",
            "JSON" => "jsonb",
            "BLOB" => "bytea",
            "UUID" => "uuid",
            "DATE" => "date",
            "TIME" => "time",
            "TIMESTAMP" or "TIMESTAMP_S" or "TIMESTAMP_MS" or "TIMESTAMP_NS" => "timestamp",
            "TIMESTAMP WITH TIME ZONE" or "TIMESTAMPTZ" => "timestamptz",
            "INTERVAL" => "interval",
            "TIME WITH TIME ZONE" or "BIT" => "text",
            // STRUCT, MAP, UNION and anything newer: kept whole as JSON.
            _ => "jsonb",
        };
    }

    /// <summary>Whether values of a dataset column can be written into an existing column without losing meaning.</summary>
    public static bool Accepts(PgColumn target, string duckType)
    {
        var pg = FromDuckDb(duckType);
        if (target.Element is { } element)
        {
            return pg.EndsWith("[]", StringComparison.Ordinal) && Accepts(new PgColumn(target.Name, target.Declared, element, null), duckType.Trim()[..^2]);
        }

        var source = pg.EndsWith("[]", StringComparison.Ordinal) ? PgKind.Jsonb : KindOf(Typname(pg));
        return (source, target.Kind) switch
        {
            _ when source == target.Kind => true,
            (PgKind.Smallint or PgKind.Integer or PgKind.Bigint, PgKind.Smallint or PgKind.Integer or PgKind.Bigint or PgKind.Numeric or PgKind.Real or PgKind.Double) => true,
            (PgKind.Numeric or PgKind.Real or PgKind.Double, PgKind.Numeric or PgKind.Real or PgKind.Double) => true,
            (PgKind.Text or PgKind.Json or PgKind.Jsonb, PgKind.Text or PgKind.Json or PgKind.Jsonb or PgKind.Other) => true,
            (PgKind.Date, PgKind.Timestamp or PgKind.TimestampTz) => true,
            (PgKind.Timestamp, PgKind.TimestampTz) => true,
            (PgKind.Uuid, PgKind.Text) => true,
            _ => false,
        };
    }

    private static string Typname(string pgType) => pgType switch
    {
        "boolean" => "bool",
        "smallint" => "int2",
        "integer" => "int4",
        "bigint" => "int8",
        "real" => "float4",
        "double precision" => "float8",
        _ when pgType.StartsWith("numeric", StringComparison.Ordinal) => "numeric",
        _ => pgType,
    };

    /// <summary>The kind a new column of this DuckDB type is written as.</summary>
    public static PgColumn NewColumn(string name, string duckType)
    {
        var pg = FromDuckDb(duckType);
        return pg.EndsWith("[]", StringComparison.Ordinal)
            ? new PgColumn(name, pg, PgKind.Other, KindOf(Typname(pg[..^2])))
            : new PgColumn(name, pg, KindOf(Typname(pg)), null);
    }

    [GeneratedRegex(@"^DECIMAL\((\d+),\s*(\d+)\)$")]
    private static partial Regex Decimal();
}
