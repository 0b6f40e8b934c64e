using System.Globalization;

namespace Sluice.Testing;

/// <summary>
/// Daily full snapshots of a customer dimension with changes, deletes, re-appearances and changes
/// back to an old value, and the history loading them in date order must give, computed here in C#
/// independently of either sink's SQL: for each key, each run of consecutive snapshot dates with the
/// same city is one version, valid from the run's first date to the next snapshot date (open when
/// the run reaches the last snapshot).
/// </summary>
public static class Scd2Snapshots
{
    public const string Header = "customer_id,name,city";

    /// <summary>Four days (24 orders): hand-written keys for the interesting cases, and seeded random ones for breadth.</summary>
    public static IReadOnlyList<(string Day, IReadOnlyDictionary<string, string> Cities)> Days()
    {
        string[][] written =
        [
            ["C1=Paris", "C2=Rome", "C3=Oslo", "C4=Kyiv"],
            ["C1=Lyon", "C2=Rome", "C4=Kyiv", "C5=Riga"],               // change, delete, new key
            ["C1=Lyon", "C2=Milan", "C3=Oslo", "C6=Nice"],              // change, re-appearance with the old value, deletes, new key
            ["C1=Paris", "C2=Milan", "C4=Kyiv", "C5=Riga"],             // change back, re-appearances, deletes
        ];
        var random = new Random(11);
        var days = new List<(string, IReadOnlyDictionary<string, string>)>();
        for (var i = 0; i < written.Length; i++)
        {
            var cities = written[i].Select(p => p.Split('=')).ToDictionary(p => p[0], p => p[1]);
            for (var k = 1; k <= 8; k++)
            {
                var city = random.Next(4) switch { 0 => "Bern", 1 => "Graz", 2 => "Bern", _ => "Pisa" };
                if (random.NextDouble() < 0.75)
                {
                    cities[$"R{k}"] = city;
                }
            }

            days.Add((new DateOnly(2024, 3, 1).AddDays(i).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), cities));
        }

        return days;
    }

    /// <summary>
    /// A corrected snapshot for a day already loaded: C1 drops out (or appears, as Turin), C2 moves to
    /// Bari (or appears there), C3 moves to Oslo, the city it had on other days.
    /// </summary>
    public static IReadOnlyDictionary<string, string> Corrected(IReadOnlyDictionary<string, string> cities)
    {
        var corrected = new Dictionary<string, string>(cities);
        if (!corrected.Remove("C1"))
        {
            corrected["C1"] = "Turin";
        }

        corrected["C2"] = "Bari";
        corrected["C3"] = "Oslo";
        return corrected;
    }

    /// <summary>A day's CSV; the untracked name changes every day, which must open no version.</summary>
    public static string Csv(string day, IReadOnlyDictionary<string, string> cities) =>
        Header + "\n" + string.Concat(cities.OrderBy(c => c.Key, StringComparer.Ordinal).Select(c => $"{c.Key},{c.Key} of {day},{c.Value}\n"));

    /// <summary>The in-order history as sorted lines <c>key|city|valid_from|valid_to|is_current</c> (valid_to <c>NULL</c> when open).</summary>
    /// <param name="carry">Without close_missing: a key absent from a day keeps its city instead of closing.</param>
    public static IReadOnlyList<string> InOrderHistory(IEnumerable<(string Day, IReadOnlyDictionary<string, string> Cities)> days, bool carry = false)
    {
        var ordered = days.OrderBy(d => d.Day, StringComparer.Ordinal).ToList();
        var lines = new List<string>();
        foreach (var key in ordered.SelectMany(d => d.Cities.Keys).Distinct())
        {
            (string City, string From)? open = null;
            foreach (var (day, cities) in ordered)
            {
                var city = cities.GetValueOrDefault(key) ?? (carry ? open?.City : null);
                if (open is { } version && version.City != city)
                {
                    lines.Add($"{key}|{version.City}|{version.From}|{day}|false");
                    open = null;
                }

                if (open is null && city is not null)
                {
                    open = (city, day);
                }
            }

            if (open is { } last)
            {
                lines.Add($"{key}|{last.City}|{last.From}|NULL|true");
            }
        }

        return [.. lines.Order(StringComparer.Ordinal)];
    }

    /// <summary>Every order of the items (n! of them).</summary>
    public static IEnumerable<IReadOnlyList<T>> Permutations<T>(IReadOnlyList<T> items)
    {
        if (items.Count <= 1)
        {
            yield return items;
            yield break;
        }

        for (var i = 0; i < items.Count; i++)
        {
            var rest = items.Where((_, j) => j != i).ToList();
            foreach (var tail in Permutations(rest))
            {
                yield return [items[i], .. tail];
            }
        }
    }

    /// <summary>
    /// The history query both databases run alike, as <c>key|city|from|to|current</c> plus the surrogate key.
    /// </summary>
    public const string HistoryQuery = """
        SELECT concat_ws('|', customer_id, city, CAST(valid_from AS VARCHAR), coalesce(CAST(valid_to AS VARCHAR), 'NULL'), CAST(is_current AS VARCHAR)), sk
        FROM dim_customer WHERE sk <> -1
        """;

    /// <summary>
    /// Checks one load's effect on surrogate keys: unique, never handed out again once gone, and kept
    /// by every version that the load left exactly as it was. Returns the keys gone so far.
    /// </summary>
    public static HashSet<long> CheckKeys(IReadOnlyList<(string Line, long Sk)> before, IReadOnlyList<(string Line, long Sk)> after, HashSet<long> gone, string step)
    {
        var keys = after.Select(r => r.Sk).ToList();
        if (keys.Distinct().Count() != keys.Count)
        {
            throw new InvalidOperationException($"{step}: surrogate keys repeat: {string.Join(", ", keys.Order())}");
        }

        var reused = keys.Where(gone.Contains).ToList();
        if (reused.Count > 0)
        {
            throw new InvalidOperationException($"{step}: surrogate key(s) {string.Join(", ", reused)} were removed by an earlier load and handed out again");
        }

        var now = after.ToDictionary(r => r.Line, r => r.Sk);
        foreach (var (line, sk) in before)
        {
            if (now.TryGetValue(line, out var kept) && kept != sk)
            {
                throw new InvalidOperationException($"{step}: unchanged version {line} changed its surrogate key from {sk} to {kept}");
            }
        }

        gone.UnionWith(before.Select(r => r.Sk).Except(keys));
        return gone;
    }
}
