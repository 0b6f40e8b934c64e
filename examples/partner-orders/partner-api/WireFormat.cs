namespace Sluice.Examples.PartnerApi;

// The JSON the partner sends: nested objects on purpose, so the example shows Sluice flattening
// them (category.name -> category_name, supplier.address.country -> supplier_address_country).

internal sealed record PageJson(IReadOnlyList<ProductJson> Data, PagingJson Paging);

internal sealed record PagingJson(string? NextCursor, int Limit);

internal sealed record ProductJson(string Sku, string Name, CategoryJson Category, SupplierJson Supplier, PriceJson ListPrice, IReadOnlyList<string> Tags)
{
    public static ProductJson From(PartnerProduct p) => new(
        p.Sku,
        p.Name,
        new CategoryJson(p.CategoryCode, p.CategoryName),
        new SupplierJson(p.SupplierName, new AddressJson(p.SupplierCountry)),
        new PriceJson(p.ListPrice, p.Currency),
        p.Tags);
}

internal sealed record CategoryJson(string Code, string Name);

internal sealed record SupplierJson(string Name, AddressJson Address);

internal sealed record AddressJson(string Country);

internal sealed record PriceJson(decimal Amount, string Currency);

internal sealed record ErrorJson(string Error);
