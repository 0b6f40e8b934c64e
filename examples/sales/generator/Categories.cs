namespace Sluice.Examples.Sales;

/// <summary>
/// Canonical product categories and the inconsistent spellings the raw orders use.
/// Every variant maps to exactly one canonical name after trimming spaces and ignoring case,
/// which is the contract the pipeline's cleaning step relies on.
/// </summary>
internal static class Categories
{
    public static readonly string[] Canonical = ["Electronics", "Clothing", "Home", "Books", "Toys", "Grocery"];

    // Indexed like Canonical. Includes pure case/space variants as well as different words,
    // so a cleaning step needs both normalisation and a lookup table.
    private static readonly string[][] Variants =
    [
        ["elec", "electronic", "ELECTRONICS", " Electronics ", "electronics"],
        ["cloth", "clothes", "CLOTHING", "clothing", " Clothing"],
        ["home", "HOME", " Home "],
        ["book", "books", "BOOKS", "Books "],
        ["toy", "toys", "TOYS", " toys"],
        ["grocery", "groceries", "GROCERY", " Grocery "],
    ];

    public static string Variant(int categoryIndex, Random random)
    {
        var variants = Variants[categoryIndex];
        return variants[random.Next(variants.Length)];
    }

    /// <summary>Fails fast if someone adds a variant that would be ambiguous or unmappable.</summary>
    public static void EnsureUnambiguous()
    {
        var seen = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        for (var i = 0; i < Canonical.Length; i++)
        {
            foreach (var key in Variants[i].Append(Canonical[i]).Select(v => v.Trim(' ')))
            {
                if (seen.TryGetValue(key, out var other) && other != Canonical[i])
                {
                    throw new InvalidOperationException($"category variant '{key}' maps to both {other} and {Canonical[i]}");
                }

                seen[key] = Canonical[i];
            }
        }
    }
}
