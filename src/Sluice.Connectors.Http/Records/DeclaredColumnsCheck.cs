using Sluice.Contracts;

namespace Sluice.Connectors.Http.Records;

/// <summary>
/// A declared column that no record of the interval has is a broken contract, not a column of
/// NULLs: the API renamed or moved a field, and loading NULLs (or zeros after fill_null) would
/// publish a wrong number with exit code 0. The task fails instead, naming the missing columns,
/// the fields that are there, and the probable rename. A field missing from only some records is
/// still NULL there, as before.
/// </summary>
internal static class DeclaredColumnsCheck
{
    private const int MaxListed = 40;

    /// <param name="unit">"record" or "row", as the source's user calls them.</param>
    public static void ThrowIfAbsent(IReadOnlyList<KeyValuePair<string, string>> declared, FieldCatalog fields, long rows, string unit, string where)
    {
        if (declared.Count == 0 || rows == 0)
        {
            return;
        }

        var missing = declared.Select((c, i) => (c.Key, c.Value, Position: i)).Where(c => !fields.Has(c.Key)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var declaredNames = declared.Select(c => c.Key).ToHashSet(StringComparer.Ordinal);
        var candidates = fields.Names.Where(n => !declaredNames.Contains(n)).ToList();
        var guesses = missing
            .Select(m => RenameGuess.For(m.Key, m.Position, m.Value, RecordRenameCandidates.Of(candidates, m.Value, fields), missing.Count == 1 && candidates.Count == 1))
            .OfType<RenameSuggestion>()
            .Select(g => g.Text)
            .ToList();
        var names = string.Join(", ", missing.Select(m => $"'{m.Key}'"));
        var present = fields.Names.Count == 0 ? "none" : string.Join(", ", fields.Names.Take(MaxListed)) + (fields.Names.Count > MaxListed ? $", ... ({fields.Names.Count} in all)" : string.Empty);
        var guessText = guesses.Count == 0 ? string.Empty : " " + string.Join("; ", guesses) + ".";
        var noun = missing.Count == 1 ? "column" : "columns";
        var verb = missing.Count == 1 ? "is" : "are";
        throw new BadDataException(
            $"{where}: declared {noun} {names} {verb} absent from all {rows} {unit}(s) of this interval, so {(missing.Count == 1 ? "it" : "they")} would load as NULL. "
            + $"Fields present: {present}.{guessText} If the source renamed or moved the field, update the declared columns (and what reads them) to the new name, or have the source fixed; then rerun the interval. Nothing was written.");
    }
}
