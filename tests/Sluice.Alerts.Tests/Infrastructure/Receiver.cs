using System.Collections.Concurrent;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace Sluice.Alerts.Tests.Infrastructure;

/// <summary>One request the receiver got.</summary>
internal sealed record ReceivedRequest(string Path, string Body, IReadOnlyDictionary<string, string> Headers)
{
    public JsonObject Json => JsonNode.Parse(Body)!.AsObject();
}

/// <summary>How the receiver answers: normally, with a 500, with a 404, or not at all.</summary>
internal enum ReceiverMode
{
    Ok,
    Fail500,
    Fail404,
    Hang,
}

/// <summary>
/// A real Kestrel server on 127.0.0.1 (a port the OS picks) that records every POST and answers as
/// told; <see cref="FailFirst"/> makes the first N requests answer 500 before it recovers.
/// </summary>
internal sealed class Receiver : IAsyncDisposable
{
    private readonly WebApplication _app;
    private int _failuresLeft;

    private Receiver(WebApplication app) => _app = app;

    public string Url { get; private set; } = string.Empty;

    public ReceiverMode Mode { get; set; }

    public int FailFirst
    {
        set => Volatile.Write(ref _failuresLeft, value);
    }

    public ConcurrentQueue<ReceivedRequest> Requests { get; } = new();

    public IReadOnlyList<ReceivedRequest> To(string path) => Requests.Where(r => r.Path == path).ToList();

    public static async Task<Receiver> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        var app = builder.Build();
        var receiver = new Receiver(app);
        app.Run(receiver.HandleAsync);
        await app.StartAsync();
        receiver.Url = app.Urls.Single();
        return receiver;
    }

    private async Task HandleAsync(HttpContext context)
    {
        var body = await new StreamReader(context.Request.Body).ReadToEndAsync(context.RequestAborted);
        Requests.Enqueue(new ReceivedRequest(context.Request.Path.Value ?? "/", body, context.Request.Headers.ToDictionary(h => h.Key, h => h.Value.ToString(), StringComparer.OrdinalIgnoreCase)));
        if (Interlocked.Decrement(ref _failuresLeft) >= 0)
        {
            context.Response.StatusCode = 500;
            return;
        }

        switch (Mode)
        {
            case ReceiverMode.Hang:
                await Task.Delay(Timeout.Infinite, context.RequestAborted).ContinueWith(_ => { }, TaskScheduler.Default);
                return;
            case ReceiverMode.Fail500:
                context.Response.StatusCode = 500;
                // Echoes the path, as some servers do, so tests see that a secret URL is masked in errors.
                await context.Response.WriteAsync($"receiver is down at {context.Request.Path}", context.RequestAborted);
                return;
            case ReceiverMode.Fail404:
                context.Response.StatusCode = 404;
                return;
            default:
                context.Response.StatusCode = 200;
                await context.Response.WriteAsync("ok", context.RequestAborted);
                return;
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
