using Sluice.Validation;

namespace Sluice.Contracts;

/// <summary>
/// Which present field a missing column most likely became: one whose values fit the column's
/// type, that sits where the column was, or whose name is close (amount/amt, price/unit_price). A
/// guess is only made when one candidate clearly stands out, with its reasons. The one copy of
/// this logic: API and page sources and inferred dataset contracts all ask it.
/// </summary>
public static class RenameGuess
{
    public static RenameSuggestion? For(string missing, int position, string type, IReadOnlyList<RenameCandidate> candidates, bool onlyCandidate)
    {
        var scored = candidates
            .Select(c => (Candidate: c, Reasons: Reasons(missing, position, type, c, onlyCandidate)))
            .Select(c => (c.Candidate, c.Reasons, Score: c.Reasons.Sum(r => r.Weight)))
            .Where(c => c.Score >= 2)
            .OrderByDescending(c => c.Score)
            .ToList();
        if (scored.Count == 0 || (scored.Count > 1 && scored[1].Score == scored[0].Score))
        {
            return null;
        }

        var best = scored[0];
        var example = best.Candidate.Samples.Count == 0 ? string.Empty : $"; values such as {string.Join(", ", best.Candidate.Samples.Take(3))}";
        var reasons = string.Join(", ", best.Reasons.Where(r => r.Weight > 0).Select(r => r.Text));
        return new RenameSuggestion(missing, best.Candidate.Name, $"'{missing}' looks renamed to '{best.Candidate.Name}' ({reasons}{example})");
    }

    private static List<(int Weight, string Text)> Reasons(string missing, int position, string type, RenameCandidate candidate, bool onlyCandidate)
    {
        var reasons = new List<(int, string)>();
        switch (candidate.FitsType)
        {
            case true:
                reasons.Add((2, $"its values fit {type}"));
                break;
            case false:
                reasons.Add((-2, string.Empty));
                break;
        }

        if (candidate.Position == position)
        {
            reasons.Add((1, "same position"));
        }

        if (Similar(missing, candidate.Name))
        {
            reasons.Add((2, "a similar name"));
        }

        if (onlyCandidate)
        {
            reasons.Add((1, "the only new field"));
        }

        return reasons;
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

        return Suggestions.Distance(a, b) <= Math.Max(1, Math.Min(a.Length, b.Length) / 3);
    }
}
