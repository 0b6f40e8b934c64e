using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sluice.Bench.Http;

/// <summary>
/// A paginated JSON API on loopback: <c>/items?page=N&amp;page_size=S</c> with a total, each record
/// nested and with an array. Pages are rendered once and cached so that the server's cost is the
/// same for every configuration measured; an optional latency stands in for a remote API.
/// </summary>
internal sealed class BenchServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentDictionary<(int Total, int Page, int Size), byte[]> _pages = new();

    private BenchServer(WebApplication app) => _app = app;

    public string Url { get; private set; } = string.Empty;

    public static async Task<BenchServer> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var server = new BenchServer(app);
        app.MapGet("/items", server.ServeAsync);
        await app.StartAsync();
        server.Url = app.Urls.Single();
        return server;
    }

    private async Task ServeAsync(HttpContext context)
    {
        var query = context.Request.Query;
        var total = int.Parse(query["total"].ToString(), CultureInfo.InvariantCulture);
        var page = int.Parse(query["page"].ToString(), CultureInfo.InvariantCulture);
        var size = int.Parse(query["page_size"].ToString(), CultureInfo.InvariantCulture);
        if (int.TryParse(query["latency_ms"], out var latency) && latency > 0)
        {
            await Task.Delay(latency, context.RequestAborted);
        }

        var body = _pages.GetOrAdd((total, page, size), key => Render(key.Total, key.Page, key.Size));
        context.Response.ContentType = "application/json";
        await context.Response.Body.WriteAsync(body, context.RequestAborted);
    }

    /// <summary>The size of one page holding records 1..<paramref name="records"/>, to size a page in MB.</summary>
    public static long PageBytes(int records) => Render(records, 1, records).LongLength;

    private static byte[] Render(int total, int page, int size)
    {
        using var buffer = new MemoryStream();
        using (var json = new Utf8JsonWriter(buffer))
        {
            json.WriteStartObject();
            json.WriteNumber("total", total);
            json.WriteStartArray("items");
            for (var id = ((page - 1) * size) + 1; id <= Math.Min(total, page * size); id++)
            {
                json.WriteStartObject();
                json.WriteNumber("id", id);
                json.WriteString("name", $"item {id}");
                json.WriteNumber("amount", (id % 1000) / 10.0);
                json.WriteString("created_at", new DateTime(2024, 3, 1, 0, 0, 0, DateTimeKind.Utc).AddSeconds(id).ToString("O", CultureInfo.InvariantCulture));
                json.WriteStartObject("customer");
                json.WriteNumber("id", id % 5000);
                json.WriteStartObject("address");
                json.WriteString("city", $"city {id % 50}");
                json.WriteString("country", "NL");
                json.WriteEndObject();
                json.WriteEndObject();
                json.WriteStartArray("tags");
                json.WriteStringValue(id % 2 == 0 ? "even" : "odd");
                json.WriteStringValue("bench");
                json.WriteEndArray();
                json.WriteEndObject();
            }

            json.WriteEndArray();
            json.WriteEndObject();
        }

        return buffer.ToArray();
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
