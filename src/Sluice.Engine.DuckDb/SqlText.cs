namespace Sluice.Engine.DuckDb;

/// <summary>Quoting for the few places DuckDB cannot take a bound parameter.</summary>
public static class SqlText
{
    /// <summary>A quoted identifier: embedded double quotes are doubled, so any name is safe.</summary>
    public static string Identifier(string name) => "\"" + name.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";

    /// <summary>A dotted, quoted name such as <c>"wh"."main"."orders"</c>.</summary>
    public static string Qualified(params string[] parts) => string.Join('.', parts.Select(Identifier));

    /// <summary>
    /// A string literal, only for statements DuckDB will not prepare (ATTACH). Used for file paths
    /// from configuration, never for data values, which are always bound.
    /// </summary>
    public static string Literal(string value) => "'" + value.Replace("'", "''", StringComparison.Ordinal) + "'";
}

/// <summary>DuckDB error messages carry a multi-line hint; users get the first line.</summary>
public static class DuckDbErrors
{
    public static string FirstLine(string message) => message.Split('\n')[0].Trim();

    /// <summary>Errors in the SQL itself, or in the data it reads, fail the same way on every retry.</summary>
    public static bool IsPermanent(Exception e) =>
        e.Message.StartsWith("Parser Error", StringComparison.Ordinal)
        || e.Message.StartsWith("Binder Error", StringComparison.Ordinal)
        || e.Message.StartsWith("Catalog Error", StringComparison.Ordinal)
        || e.Message.StartsWith("Conversion Error", StringComparison.Ordinal)
        || e.Message.StartsWith("Invalid Input Error", StringComparison.Ordinal)
        || e.Message.StartsWith("Constraint Error", StringComparison.Ordinal);
}
