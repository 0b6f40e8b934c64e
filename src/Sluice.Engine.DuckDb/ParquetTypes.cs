using System.Text.RegularExpressions;

namespace Sluice.Engine.DuckDb;

/// <summary>
/// Parquet has no 128-bit integer: DuckDB writes HUGEINT and UHUGEINT as DOUBLE, which silently
/// drops every digit past 2^53 (a sum of INTEGERs is a HUGEINT). Staged data keeps such columns as
/// DECIMAL(38,0) instead, which holds every value of up to 38 digits exactly; a larger value fails
/// the cast with DuckDB's conversion error rather than losing digits.
/// </summary>
internal static partial class ParquetTypes
{
    public const string ExactInteger = "DECIMAL(38,0)";

    /// <summary>The type a column is staged as: its own, with any 128-bit integer (also inside lists and structs) made DECIMAL(38,0).</summary>
    public static string Staged(string type) => HugeInteger().Replace(type, ExactInteger);

    /// <summary>
    /// A SELECT over <paramref name="relation"/> that casts the columns Parquet cannot hold exactly,
    /// or null when every column can be written as it is.
    /// </summary>
    public static string? ExactSelect(IReadOnlyList<(string Name, string Type)> columns, string relation)
    {
        var casts = columns.Where(c => HugeInteger().IsMatch(c.Type))
            .Select(c => $"CAST({SqlText.Identifier(c.Name)} AS {Staged(c.Type)}) AS {SqlText.Identifier(c.Name)}")
            .ToList();
        return casts.Count == 0 ? null : $"SELECT * REPLACE ({string.Join(", ", casts)}) FROM {relation}";
    }

    [GeneratedRegex(@"\bU?HUGEINT\b", RegexOptions.IgnoreCase)]
    private static partial Regex HugeInteger();
}
