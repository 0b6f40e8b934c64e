namespace Sluice.Examples.PartnerApi;

/// <summary>
/// The partner's catalog: the same products on every run, computed from fixed lists rather than a
/// random generator, so the example's tests can derive expected rows from it.
/// </summary>
public static class ProductCatalog
{
    /// <summary>How many products the catalog holds: SKU-001 to SKU-030.</summary>
    public const int Size = 30;

    private static readonly (string Code, string Name, string[] Items)[] Categories =
    [
        ("ELEC", "Electronics", ["Webcam", "Headphones", "Power Bank", "Speaker"]),
        ("HOME", "Home", ["Coffee Maker", "Storage Box", "Throw Pillow"]),
        ("BOOK", "Books", ["Travel Guide", "Cookbook", "Atlas"]),
        ("TOYS", "Toys", ["Building Blocks", "Puzzle 1000pc", "Remote Car"]),
    ];

    private static readonly (string Name, string Brand, string Country)[] Suppliers =
    [
        ("Koru GmbH", "Koru", "DE"),
        ("Alto SARL", "Alto", "FR"),
        ("Tundra AB", "Tundra", "SE"),
        ("Brisa SL", "Brisa", "ES"),
        ("Nordic Oy", "Nordic", "FI"),
    ];

    public static IReadOnlyList<PartnerProduct> Products { get; } = Enumerable.Range(1, Size).Select(Product).ToList();

    public static string SkuOf(int number) => $"SKU-{number:D3}";

    private static PartnerProduct Product(int number)
    {
        var category = Categories[(number - 1) % Categories.Length];
        var item = category.Items[(number - 1) / Categories.Length % category.Items.Length];
        var supplier = Suppliers[number * 3 % Suppliers.Length];
        // Cents vary independently of euros so prices look real and sums exercise decimals.
        var price = 4m + (number * 37 % 190) + (number * 59 % 100 / 100m);
        var tags = number % 5 == 0 ? new[] { "bestseller", "eco" } : number % 2 == 0 ? ["eco"] : Array.Empty<string>();
        return new PartnerProduct(SkuOf(number), $"{supplier.Brand} {item}", category.Code, category.Name, supplier.Name, supplier.Country, price, "EUR", tags);
    }
}
