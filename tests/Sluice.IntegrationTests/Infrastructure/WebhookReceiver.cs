using System.Net;
using System.Text;

namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>
/// A loopback HTTP receiver that answers 200 and keeps each request, as a webhook endpoint or an OTLP
/// collector would: its body as text, and its path, content type and raw bytes.
/// </summary>
internal sealed class WebhookReceiver : IDisposable
{
    private readonly HttpListener _listener = new();
    private readonly List<string> _bodies = [];
    private readonly List<Request> _requests = [];

    public WebhookReceiver()
    {
        Port = LoopbackPort.Free();
        _listener.Prefixes.Add($"http://127.0.0.1:{Port}/");
        _listener.Start();
        _ = ServeAsync();
    }

    public int Port { get; }

    public string Url => $"http://127.0.0.1:{Port}/hook";

    public IReadOnlyList<string> Bodies
    {
        get
        {
            lock (_bodies)
            {
                return _bodies.ToList();
            }
        }
    }

    public IReadOnlyList<Request> Requests
    {
        get
        {
            lock (_bodies)
            {
                return _requests.ToList();
            }
        }
    }

    private async Task ServeAsync()
    {
        try
        {
            while (_listener.IsListening)
            {
                var context = await _listener.GetContextAsync();
                using var buffer = new MemoryStream();
                await context.Request.InputStream.CopyToAsync(buffer);
                var bytes = buffer.ToArray();
                lock (_bodies)
                {
                    _bodies.Add(Encoding.UTF8.GetString(bytes));
                    _requests.Add(new Request(context.Request.Url?.AbsolutePath ?? string.Empty, context.Request.ContentType, bytes));
                }

                context.Response.StatusCode = 200;
                context.Response.Close();
            }
        }
        catch (HttpListenerException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _listener.Close();

    public sealed record Request(string Path, string? ContentType, byte[] Body)
    {
        /// <summary>True when the body holds <paramref name="text"/> as UTF-8 bytes (protobuf keeps names and labels that way).</summary>
        public bool Holds(string text) => Body.AsSpan().IndexOf(Encoding.UTF8.GetBytes(text)) >= 0;
    }
}
