using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.Extensions.Logging;

namespace Sluice.Examples.PartnerApi;

/// <summary>
/// Builds the partner API: <c>GET /v1/products</c> (bearer token, cursor pagination) and
/// <c>GET /health</c>. Used by Program and, in-process, by the example's integration test, so both
/// serve exactly the same endpoints.
/// </summary>
public static class PartnerApiApp
{
    public static WebApplication Build(PartnerApiSettings settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        // Loopback only: this is a local stand-in for a partner, never a public server.
        builder.WebHost.UseUrls($"http://127.0.0.1:{settings.Port}");
        var app = builder.Build();
        var products = new ProductsEndpoint(settings);
        app.MapGet("/health", () => "ok");
        app.MapGet("/v1/products", products.Handle);
        return app;
    }
}
