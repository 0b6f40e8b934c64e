using System.Globalization;
using System.Text.Json;
using Sluice.Contracts;

namespace Sluice.Connectors.Http.Records;

/// <summary>
/// The fields records had, as rename candidates for <see cref="Contracts.RenameGuess"/>: whether a
/// field's JSON values fit a declared type is only knowable here, where the values were seen.
/// </summary>
internal static class RecordRenameCandidates
{
    public static IReadOnlyList<RenameCandidate> Of(IEnumerable<string> names, string declaredType, FieldCatalog fields) =>
        names.Select(name =>
        {
            var stats = fields.Find(name)!;
            return new RenameCandidate(name, stats.Position, Fits(declaredType, stats), stats.Samples.Select(s => JsonSerializer.Serialize(s)).ToList());
        }).ToList();

    /// <summary>Whether every value seen fits the declared type; null when nothing can be said (no values, or an uncommon type).</summary>
    private static bool? Fits(string declaredType, FieldStats stats)
    {
        if (stats.NonNull == 0)
        {
            return null;
        }

        var type = declaredType.ToUpperInvariant();
        var numeric = type.StartsWith("DECIMAL", StringComparison.Ordinal) || type.StartsWith("NUMERIC", StringComparison.Ordinal)
            || type is "INTEGER" or "INT" or "BIGINT" or "SMALLINT" or "TINYINT" or "HUGEINT" or "UBIGINT" or "UINTEGER" or "DOUBLE" or "FLOAT" or "REAL";
        if (numeric)
        {
            return stats.Kinds.All(k => k is JsonValueKind.Number or JsonValueKind.String)
                && stats.Samples.All(s => double.TryParse(s, NumberStyles.Float, CultureInfo.InvariantCulture, out _));
        }

        if (type.StartsWith("DATE", StringComparison.Ordinal) || type.StartsWith("TIMESTAMP", StringComparison.Ordinal))
        {
            return stats.Kinds.All(k => k == JsonValueKind.String) && stats.Samples.All(s => DateTime.TryParse(s, CultureInfo.InvariantCulture, out _));
        }

        if (type is "BOOLEAN" or "BOOL")
        {
            return stats.Kinds.All(k => k is JsonValueKind.False);
        }

        if (type.StartsWith("VARCHAR", StringComparison.Ordinal) || type is "TEXT" or "STRING")
        {
            return stats.Kinds.All(k => k == JsonValueKind.String);
        }

        return null;
    }
}
