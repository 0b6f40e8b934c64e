namespace Sluice.Contracts;

/// <summary>Column types compared as the engine means them: common aliases (INT, INTEGER, INT4) are one type.</summary>
public static class ColumnTypes
{
    public static bool Same(string a, string b) => Normalize(a) == Normalize(b);

    public static string Normalize(string type)
    {
        var t = type.Trim().ToUpperInvariant();
        return t switch
        {
            "INT" or "INTEGER" or "INT4" => "INTEGER",
            "BIGINT" or "INT8" or "LONG" => "BIGINT",
            "DOUBLE" or "FLOAT8" or "DOUBLE PRECISION" => "DOUBLE",
            "FLOAT" or "REAL" or "FLOAT4" => "FLOAT",
            "STRING" or "TEXT" or "VARCHAR" => "VARCHAR",
            "BOOL" or "BOOLEAN" => "BOOLEAN",
            "TIMESTAMP" or "DATETIME" => "TIMESTAMP",
            "TIMESTAMPTZ" or "TIMESTAMP WITH TIME ZONE" => "TIMESTAMPTZ",

            // Parquet has no 128-bit integer, so staging keeps these exact as DECIMAL(38,0).
            "HUGEINT" or "INT128" or "UHUGEINT" => "DECIMAL(38,0)",
            _ => t.Replace(" ", string.Empty, StringComparison.Ordinal),
        };
    }
}
