namespace Sluice.Examples.PartnerApi;

/// <summary>One product of the partner's catalog, as the partner keeps it (the JSON nests it).</summary>
public sealed record PartnerProduct(
    string Sku,
    string Name,
    string CategoryCode,
    string CategoryName,
    string SupplierName,
    string SupplierCountry,
    decimal ListPrice,
    string Currency,
    IReadOnlyList<string> Tags);
