namespace Sluice.Validation;

/// <summary>"Did you mean" hints for misspelt names.</summary>
public static class Suggestions
{
    public static string UnknownName(string kind, string name, IEnumerable<string> valid, string? owner = null)
    {
        var choices = valid.Distinct().OrderBy(v => v, StringComparer.Ordinal).ToList();
        var closest = choices
            .Select(c => (Choice: c, Distance: Distance(name.ToLowerInvariant(), c.ToLowerInvariant())))
            .Where(c => c.Distance <= Math.Max(2, name.Length / 3))
            .OrderBy(c => c.Distance)
            .Select(c => c.Choice)
            .FirstOrDefault();
        var hint = closest is null ? string.Empty : $" Did you mean '{closest}'?";
        var list = choices.Count == 0 ? "none are defined" : string.Join(", ", choices);
        var of = owner is null ? string.Empty : $" {owner}";
        return $"unknown {kind} '{name}'{of}.{hint} Valid: {list}.";
    }

    /// <summary>Levenshtein distance: the edits that turn <paramref name="a"/> into <paramref name="b"/>.</summary>
    public static int Distance(string a, string b)
    {
        var previous = Enumerable.Range(0, b.Length + 1).ToArray();
        for (var i = 1; i <= a.Length; i++)
        {
            var current = new int[b.Length + 1];
            current[0] = i;
            for (var j = 1; j <= b.Length; j++)
            {
                var cost = a[i - 1] == b[j - 1] ? 0 : 1;
                current[j] = Math.Min(Math.Min(current[j - 1] + 1, previous[j] + 1), previous[j - 1] + cost);
            }

            previous = current;
        }

        return previous[b.Length];
    }
}
