namespace Sluice.Connectors.Postgres;

/// <summary>
/// DuckDB types whose CSV text PostgreSQL and DuckDB both read back to the same value, in either
/// direction: the condition for the CSV extract and load paths (arrays, BLOB, FLOAT and TIME are not).
/// </summary>
internal static class CsvExactTypes
{
    private static readonly HashSet<string> Types = new(StringComparer.Ordinal)
    {
        "BOOLEAN", "SMALLINT", "INTEGER", "BIGINT", "DOUBLE", "VARCHAR", "JSON", "UUID", "DATE", "TIMESTAMP", "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE",
    };

    public static bool Contains(string duckType) =>
        Types.Contains(duckType) || (duckType.StartsWith("DECIMAL(", StringComparison.Ordinal) && duckType.EndsWith(')'));
}
