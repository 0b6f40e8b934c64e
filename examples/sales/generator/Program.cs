using System.Diagnostics;
using System.Globalization;
using Sluice.Examples.Sales;

GeneratorOptions options;
try
{
    options = GeneratorOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine($"sales-datagen: {ex.Message}");
    Console.Error.WriteLine(GeneratorOptions.Usage);
    return 2;
}

if (options.ShowHelp)
{
    Console.WriteLine(GeneratorOptions.Usage);
    return 0;
}

Categories.EnsureUnambiguous();
var stopwatch = Stopwatch.StartNew();
Directory.CreateDirectory(options.OutDir);

var customers = CustomerCatalog.Build(options.Customers, options.From, new Random(options.CustomerSeed));
var customersPath = Path.Combine(options.OutDir, "customers.csv");
CustomerCatalog.Write(customersPath, customers);
Report(customersPath, $"rows={customers.Count}");

var products = ProductCatalog.Build(options.Products, new Random(options.ProductSeed));
var productsPath = Path.Combine(options.OutDir, "products.csv");
ProductCatalog.Write(productsPath, products);
Report(productsPath, $"rows={products.Count}");

var orders = new OrderDayWriter(customers, products);
if (options.SingleFile is { } singlePath)
{
    // One writer across all days; the rows equal the per-day files concatenated (minus headers).
    var stats = new OrderStats();
    using (var writer = CsvText.Create(singlePath))
    {
        writer.WriteLine(OrderDayWriter.Header);
        for (var dayIndex = 0; dayIndex < options.Days; dayIndex++)
        {
            orders.WriteDay(writer, options.From.AddDays(dayIndex), dayIndex, options.OrdersPerDay, new Random(options.SeedFor(dayIndex)), stats);
        }
    }

    Report(singlePath, stats.ToString());
}
else
{
    var ordersDir = Path.Combine(options.OutDir, "orders");
    for (var dayIndex = 0; dayIndex < options.Days; dayIndex++)
    {
        var day = options.From.AddDays(dayIndex);
        var path = Path.Combine(ordersDir, $"orders_{day.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}.csv");
        var stats = new OrderStats();
        using (var writer = CsvText.Create(path))
        {
            writer.WriteLine(OrderDayWriter.Header);
            orders.WriteDay(writer, day, dayIndex, options.OrdersPerDay, new Random(options.SeedFor(dayIndex)), stats);
        }

        Report(path, stats.ToString());
    }
}

Console.Error.WriteLine($"done in {stopwatch.Elapsed.TotalSeconds.ToString("0.0", CultureInfo.InvariantCulture)} s");
return 0;

// Summary goes to stdout so scripts can capture it; timing goes to stderr because it is not deterministic.
static void Report(string path, string counts) => Console.WriteLine($"{path} {counts}");
