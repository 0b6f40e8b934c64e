using System.Globalization;
using System.Text.Json;

namespace Sluice.Connectors.Http.Records;

/// <summary>
/// Which present field a missing declared column most likely became: one whose values fit the
/// declared type, that sits where the column was declared, or whose name is close (amount/amt,
/// price/unit_price). A guess is only made when one candidate clearly stands out, with its reasons.
/// </summary>
internal static class RenameGuess
{
    public static string? For(string missing, int declaredPosition, string declaredType, IEnumerable<string> candidates, FieldCatalog fields, bool onlyCandidate)
    {
        var scored = candidates
            .Select(name => (Name: name, Reasons: Reasons(missing, declaredPosition, declaredType, fields.Find(name)!, name, onlyCandidate)))
            .Select(c => (c.Name, c.Reasons, Score: c.Reasons.Sum(r => r.Weight)))
            .Where(c => c.Score >= 2)
            .OrderByDescending(c => c.Score)
            .ToList();
        if (scored.Count == 0 || (scored.Count > 1 && scored[1].Score == scored[0].Score))
        {
            return null;
        }

        var best = scored[0];
        var samples = fields.Find(best.Name)!.Samples;
        var example = samples.Count == 0 ? string.Empty : $"; values such as {string.Join(", ", samples.Take(3).Select(s => JsonSerializer.Serialize(s)))}";
        return $"'{missing}' looks renamed to '{best.Name}' ({string.Join(", ", best.Reasons.Where(r => r.Weight > 0).Select(r => r.Text))}{example})";
    }

    private static List<(int Weight, string Text)> Reasons(string missing, int declaredPosition, string declaredType, FieldStats stats, string name, bool onlyCandidate)
    {
        var reasons = new List<(int, string)>();
        switch (Fits(declaredType, stats))
        {
            case true:
                reasons.Add((2, $"its values fit {declaredType}"));
                break;
            case false:
                reasons.Add((-2, string.Empty));
                break;
        }

        if (stats.Position == declaredPosition)
        {
            reasons.Add((1, "same position"));
        }

        if (Similar(missing, name))
        {
            reasons.Add((2, "a similar name"));
        }

        if (onlyCandidate)
        {
            reasons.Add((1, "the only new field"));
        }

        return reasons;
    }

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

    /// <summary>Close names: one contains the other, they share a word, or few edits apart.</summary>
    private static bool Similar(string a, string b)
    {
        a = a.ToLowerInvariant();
        b = b.ToLowerInvariant();
        if (a.Contains(b, StringComparison.Ordinal) || b.Contains(a, StringComparison.Ordinal))
        {
            return true;
        }

        var words = a.Split('_', StringSplitOptions.RemoveEmptyEntries).Where(w => w.Length > 2).ToHashSet(StringComparer.Ordinal);
        if (b.Split('_', StringSplitOptions.RemoveEmptyEntries).Any(words.Contains))
        {
            return true;
        }

        return Sluice.Validation.Suggestions.Distance(a, b) <= Math.Max(1, Math.Min(a.Length, b.Length) / 3);
    }
}
