using System.Globalization;

namespace Sluice.Examples.Sales;

internal sealed record Product(string Id, string Name, int CategoryIndex, decimal UnitPrice)
{
    public string Category => Categories.Canonical[CategoryIndex];
}

/// <summary>Builds the clean product dimension; categories here are always canonical.</summary>
internal static class ProductCatalog
{
    public const string Header = "product_id,product_name,category,unit_price";

    private static readonly string[] Brands = ["Aurora", "Nordic", "Vista", "Pioneer", "Koru", "Alto", "Brisa", "Tundra"];

    // Indexed like Categories.Canonical, with a plausible price band in cents for each.
    private static readonly (string[] Nouns, int MinCents, int MaxCents)[] Kinds =
    [
        (["Wireless Headphones", "USB-C Charger", "Bluetooth Speaker", "Smart Watch", "Webcam", "Power Bank"], 1_500, 40_000),
        (["Rain Jacket", "Wool Sweater", "Running Shoes", "Denim Jeans", "Cotton T-Shirt", "Winter Gloves"], 900, 15_000),
        (["Desk Lamp", "Coffee Maker", "Throw Pillow", "Cutlery Set", "Bath Towel", "Storage Box"], 500, 12_000),
        (["Cookbook", "Travel Guide", "Mystery Novel", "Children's Atlas", "Poetry Collection", "Sci-Fi Saga"], 600, 4_500),
        (["Building Blocks", "Puzzle 1000pc", "Plush Bear", "Remote Car", "Board Game", "Kite"], 700, 8_000),
        (["Olive Oil 1L", "Espresso Beans", "Dark Chocolate", "Green Tea", "Pasta 500g", "Honey Jar"], 150, 2_500),
    ];

    public static List<Product> Build(int count, Random random)
    {
        var products = new List<Product>(count);
        var names = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 1; i <= count; i++)
        {
            // Round-robin so every category is present as soon as there are six products.
            var categoryIndex = (i - 1) % Categories.Canonical.Length;
            var kind = Kinds[categoryIndex];

            var id = "P" + i.ToString("D3", CultureInfo.InvariantCulture);
            var name = RandomName(kind.Nouns, random);
            for (var attempt = 1; attempt < 20 && names.Contains(name); attempt++)
            {
                name = RandomName(kind.Nouns, random);
            }

            if (names.Contains(name))
            {
                // The brand x noun space is small: a model suffix keeps names unique for large --products.
                name += " " + id;
            }

            names.Add(name);

            // Shop-style prices ending in 9 cents; decimal keeps amounts exact to the cent.
            var cents = random.Next(kind.MinCents, kind.MaxCents + 1) / 10 * 10 + 9;
            products.Add(new Product(id, name, categoryIndex, cents / 100m));
        }

        return products;
    }

    public static void Write(string path, IEnumerable<Product> products)
    {
        using var writer = CsvText.Create(path);
        writer.WriteLine(Header);
        foreach (var p in products)
        {
            writer.Write(p.Id);
            writer.Write(',');
            writer.Write(CsvText.Field(p.Name));
            writer.Write(',');
            writer.Write(p.Category);
            writer.Write(',');
            writer.WriteLine(p.UnitPrice.ToString("0.00", CultureInfo.InvariantCulture));
        }
    }

    private static string RandomName(string[] nouns, Random random) =>
        Brands[random.Next(Brands.Length)] + " " + nouns[random.Next(nouns.Length)];
}
