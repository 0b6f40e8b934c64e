using System.Buffers.Text;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace Sluice.Examples.PartnerApi;

/// <summary>
/// <c>GET /v1/products?limit=N&amp;cursor=C</c>: one page of the catalog after the cursor, with the
/// next page's cursor in <c>paging.next_cursor</c> (null on the last page).
/// </summary>
internal sealed class ProductsEndpoint(PartnerApiSettings settings)
{
    private const int DefaultLimit = 10;
    private const int MaxLimit = 50;
    private static readonly JsonSerializerOptions Json = new() { PropertyNamingPolicy = JsonNamingPolicy.SnakeCaseLower };
    private static readonly Dictionary<string, int> Positions = ProductCatalog.Products.Select((p, i) => (p.Sku, i)).ToDictionary(x => x.Sku, x => x.i, StringComparer.Ordinal);
    private readonly byte[] _expectedAuthorization = Encoding.UTF8.GetBytes("Bearer " + settings.Token);
    private int _requests;

    public IResult Handle(HttpContext context)
    {
        var request = context.Request;
        // Fixed-time comparison: how long a wrong token takes to reject says nothing about the right one.
        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(request.Headers.Authorization.ToString()), _expectedAuthorization))
        {
            context.Response.Headers.WWWAuthenticate = "Bearer";
            return Error(StatusCodes.Status401Unauthorized, "missing or invalid bearer token");
        }

        // Counted after authentication, so the Nth call of a client is the one that fails, whatever else hits the server.
        if (settings.FailEvery > 0 && Interlocked.Increment(ref _requests) % settings.FailEvery == 0)
        {
            context.Response.Headers.RetryAfter = "1";
            return Error(StatusCodes.Status429TooManyRequests, "rate limit exceeded; retry after 1 second");
        }

        if (!TryLimit(request.Query["limit"], out var limit))
        {
            return Error(StatusCodes.Status400BadRequest, $"limit must be a whole number from 1 to {MaxLimit}");
        }

        if (!TryStart(request.Query["cursor"], out var start))
        {
            return Error(StatusCodes.Status400BadRequest, "unknown cursor; start again without one");
        }

        var page = ProductCatalog.Products.Skip(start).Take(limit).ToList();
        var next = start + page.Count < ProductCatalog.Products.Count ? Cursor(page[^1].Sku) : null;
        return Results.Json(new PageJson(page.Select(ProductJson.From).ToList(), new PagingJson(next, limit)), Json);
    }

    private static IResult Error(int status, string message) => Results.Json(new ErrorJson(message), Json, statusCode: status);

    private static bool TryLimit(string? text, out int limit)
    {
        limit = DefaultLimit;
        return string.IsNullOrEmpty(text)
            || (int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out limit) && limit is >= 1 and <= MaxLimit);
    }

    /// <summary>A cursor is the opaque (base64url) SKU of the last product already served.</summary>
    private static string Cursor(string sku) => Base64Url.EncodeToString(Encoding.UTF8.GetBytes(sku));

    private static bool TryStart(string? cursor, out int start)
    {
        start = 0;
        if (string.IsNullOrEmpty(cursor))
        {
            return true;
        }

        if (!Base64Url.IsValid(cursor))
        {
            return false;
        }

        var sku = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor));
        if (!Positions.TryGetValue(sku, out var index))
        {
            return false;
        }

        start = index + 1;
        return true;
    }
}
