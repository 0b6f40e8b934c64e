using Sluice.Connectors.Postgres.Tests.Infrastructure;
using Sluice.Examples.PartnerApi;

namespace Sluice.Connectors.Postgres.Tests.Examples;

/// <summary>One row of reporting.partner_orders.</summary>
internal sealed record ReportRow(
    long OrderId,
    DateOnly OrderDate,
    string Status,
    int CustomerId,
    string CustomerCountry,
    string CustomerSegment,
    string Sku,
    string? ProductName,
    string? Category,
    string? SupplierName,
    string? SupplierCountry,
    int Quantity,
    int DiscountPct,
    decimal? ListPrice,
    decimal? Amount,
    string? Currency,
    DateTime CreatedAt,
    DateTime UpdatedAt,
    DateOnly LoadedFor);

/// <summary>
/// The report the example should produce, worked out in C# from the shop's tables (read separately,
/// joined here) and the partner's catalog, with none of the pipeline's SQL; and the report it did produce.
/// </summary>
internal static class PartnerOrdersReport
{
    private const string Columns = "order_id, order_date, status, customer_id, customer_country, customer_segment, sku, product_name, category, "
        + "supplier_name, supplier_country, quantity, discount_pct, list_price, amount, currency, created_at, updated_at, loaded_for";

    /// <summary>Every order whose last change falls on a day from <paramref name="from"/> to <paramref name="to"/>, as the run of that day loads it.</summary>
    public static async Task<List<ReportRow>> ExpectedAsync(PgDatabase shop, DateOnly from, DateOnly to)
    {
        var customers = (await shop.QueryAsync("SELECT customer_id, country, segment FROM shop.customers"))
            .ToDictionary(r => (int)r[0]!, r => (Country: (string)r[1]!, Segment: (string)r[2]!));
        var catalog = ProductCatalog.Products.ToDictionary(p => p.Sku, StringComparer.Ordinal);
        var orders = await shop.QueryAsync("SELECT order_id, customer_id, sku, quantity, discount_pct, status, created_at, updated_at FROM shop.orders");
        var start = from.ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        var end = to.AddDays(1).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        return orders
            .Where(o => (DateTime)o[7]! >= start && (DateTime)o[7]! < end)
            .Select(o =>
            {
                var (customerId, sku, quantity, discount) = ((int)o[1]!, (string)o[2]!, (int)o[3]!, (int)o[4]!);
                var (created, updated) = ((DateTime)o[6]!, (DateTime)o[7]!);
                var customer = customers[customerId];
                var product = catalog.GetValueOrDefault(sku);
                // Money in decimal, rounded to cents half away from zero, as a till would.
                decimal? amount = product is null ? null : Math.Round(product.ListPrice * quantity * (100 - discount) / 100m, 2, MidpointRounding.AwayFromZero);
                return new ReportRow(
                    (long)o[0]!, DateOnly.FromDateTime(created), (string)o[5]!, customerId, customer.Country, customer.Segment, sku,
                    product?.Name, product?.CategoryName, product?.SupplierName, product?.SupplierCountry,
                    quantity, discount, product?.ListPrice, amount, product?.Currency, created, updated, DateOnly.FromDateTime(updated));
            })
            .OrderBy(r => r.OrderId)
            .ToList();
    }

    public static async Task<List<ReportRow>> ActualAsync(PgDatabase reporting) =>
        (await reporting.QueryAsync($"SELECT {Columns} FROM {PartnerOrdersExample.ReportTable} ORDER BY order_id")).Select(r => new ReportRow(
            (long)r[0]!, Date(r[1]), (string)r[2]!, (int)r[3]!, (string)r[4]!, (string)r[5]!, (string)r[6]!,
            (string?)r[7], (string?)r[8], (string?)r[9], (string?)r[10],
            (int)r[11]!, (int)r[12]!, (decimal?)r[13], (decimal?)r[14], (string?)r[15], (DateTime)r[16]!, (DateTime)r[17]!, Date(r[18]))).ToList();

    private static DateOnly Date(object? value) => value switch
    {
        DateOnly d => d,
        DateTime t => DateOnly.FromDateTime(t),
        _ => throw new InvalidCastException($"not a date: {value}"),
    };
}
