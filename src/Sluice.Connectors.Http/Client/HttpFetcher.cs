using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Threading.RateLimiting;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace Sluice.Connectors.Http.Client;

/// <summary>
/// Sends requests with the connection's credentials under a Polly pipeline (retry outside, a
/// per-attempt timeout inside) and a shared rate limit. Retries 408/429/5xx, timeouts and broken
/// connections with exponential backoff or the server's Retry-After; fails at once on 401/403 and
/// other 4xx, which no retry can fix. Every message names the URL without its credentials.
/// </summary>
internal sealed class HttpFetcher : IDisposable
{
    private readonly HttpClient _client;
    private readonly HttpClientSettings _settings;
    private readonly RateLimiter? _limiter;
    private static readonly ResiliencePropertyKey<HttpRequestSpec> RequestKey = new("sluice.request");
    private readonly ResiliencePipeline<HttpPage> _retry;
    private readonly ResiliencePipeline _timeout;
    private readonly string _where;
    private readonly Action<string> _log;
    private readonly RequestCredentials _credentials;
    private int _requests;
    private int _retries;

    public HttpFetcher(HttpClientSettings settings, string where, Action<string> log, Uri firstUrl, int maxConnections, string accept)
    {
        _settings = settings;
        _where = where;
        _log = log;
        _limiter = RequestRateLimits.For(settings, firstUrl);
        _credentials = new RequestCredentials(settings, firstUrl, log);
        var handler = new SocketsHttpHandler
        {
            // Redirects are followed here, not by the handler, which would carry custom headers
            // (an api key) to whatever host a Location names.
            AllowAutoRedirect = false,
            MaxConnectionsPerServer = Math.Max(1, maxConnections),
            PooledConnectionLifetime = TimeSpan.FromMinutes(5),
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = settings.Timeout,
        };
        // Polly's per-attempt timeout governs; HttpClient's own would fire as an unrelated cancellation.
        _client = new HttpClient(handler) { Timeout = Timeout.InfiniteTimeSpan };
        _client.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", settings.UserAgent);
        _client.DefaultRequestHeaders.TryAddWithoutValidation("Accept", accept);

        _retry = BuildRetry();
        _timeout = new ResiliencePipelineBuilder().AddTimeout(settings.Timeout).Build();
    }

    /// <summary>Requests sent, retries included.</summary>
    public int Requests => _requests;

    public int Retries => _retries;

    /// <summary>Sends a request until it succeeds or fails for good; returns only 2xx pages, read whole.</summary>
    public Task<HttpPage> SendAsync(HttpRequestSpec request, CancellationToken cancellationToken) =>
        SendCoreAsync(request, null, cancellationToken);

    /// <summary>
    /// Sends a request until it succeeds or fails for good, and reads a 2xx body with
    /// <paramref name="read"/> as it arrives. The read is part of the attempt (under its timeout,
    /// retried when the connection breaks), so <paramref name="read"/> must clean up after itself when it throws.
    /// </summary>
    public async Task<T> SendAsync<T>(HttpRequestSpec request, Func<HttpResponseBody, CancellationToken, Task<T>> read, CancellationToken cancellationToken)
        where T : class
    {
        var page = await SendCoreAsync(request, async (body, token) => await read(body, token), cancellationToken);
        return (T)page.Parsed!;
    }

    private async Task<HttpPage> SendCoreAsync(HttpRequestSpec request, Func<HttpResponseBody, CancellationToken, Task<object>>? read, CancellationToken cancellationToken)
    {
        HttpPage page;
        var context = ResilienceContextPool.Shared.Get(cancellationToken);
        context.Properties.Set(RequestKey, request);
        try
        {
            page = await _retry.ExecuteAsync(async (ctx, state) => await AttemptAsync(state.Spec, state.Read, ctx.CancellationToken), context, (Spec: request, Read: read));
        }
        catch (TimeoutRejectedException)
        {
            throw new SluiceException($"{_where}: {Describe(request)} timed out after {_settings.Timeout.TotalSeconds:0.###}s on each of {_settings.Retries + 1} attempt(s). Raise the connection's timeout if the server is slow, or check that it is up.");
        }
        catch (HttpRequestException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SluiceException($"{_where}: {Describe(request)} failed after {_settings.Retries + 1} attempt(s): {e.Message} Check the URL and that the server is reachable.");
        }
        finally
        {
            ResilienceContextPool.Shared.Return(context);
        }

        if (page.IsSuccess)
        {
            return page;
        }

        var excerpt = SafeUrl.Excerpt(page.Body);
        throw page.Code switch
        {
            401 or 403 => new NonRetryableException($"{_where}: authentication failed: {Describe(request)} answered {page.StatusText}.{_credentials.Withheld(page.Url)} Check the connection's credentials (bearer_token, username/password or headers) and their permissions; not retried, since the same credentials fail again. Body: {excerpt}"),
            _ when page.IsTransient => new SluiceException($"{_where}: {Describe(request)} still answered {page.StatusText} after {_settings.Retries + 1} attempt(s). Body: {excerpt}"),
            _ => new NonRetryableException($"{_where}: {Describe(request)} answered {page.StatusText}; check the url, query parameters and body. Body: {excerpt}"),
        };
    }

    private async Task<HttpPage> AttemptAsync(HttpRequestSpec spec, Func<HttpResponseBody, CancellationToken, Task<object>>? read, CancellationToken token)
    {
        // The wait for a rate-limit token is not part of the request, so it stays outside the timeout.
        if (_limiter is not null)
        {
            using var lease = await _limiter.AcquireAsync(1, token);
        }

        Interlocked.Increment(ref _requests);
        return await _timeout.ExecuteAsync(static async (state, t) => await state.Self.SendOnceAsync(state.Spec, state.Read, t), (Self: this, Spec: spec, Read: read), token);
    }

    private async Task<HttpPage> SendOnceAsync(HttpRequestSpec spec, Func<HttpResponseBody, CancellationToken, Task<object>>? read, CancellationToken token)
    {
        var method = spec.Method;
        var body = spec.Body;
        var url = spec.Url;
        for (var hop = 0; ; hop++)
        {
            using var request = new HttpRequestMessage(method, url);
            if (body is not null)
            {
                request.Content = new StringContent(body, Encoding.UTF8);
                request.Content.Headers.ContentType = MediaTypeHeaderValue.Parse(spec.ContentType ?? "application/json");
            }

            _credentials.Apply(request, spec.Headers);
            using var response = await _client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, token);
            if (Redirect.Target(response, url) is not { } target)
            {
                return await ReadAsync(response, url, read, token);
            }

            Redirect.Check(url, target, hop, _where);
            (method, body) = Redirect.Next(response.StatusCode, method, body);
            url = target;
        }
    }

    private static async Task<HttpPage> ReadAsync(HttpResponseMessage response, Uri url, Func<HttpResponseBody, CancellationToken, Task<object>>? read, CancellationToken token)
    {
        var links = response.Headers.TryGetValues("Link", out var values) ? values.ToList() : [];
        var retryAfter = response.Headers.TryGetValues("Retry-After", out var after) ? after.FirstOrDefault() : null;
        var mediaType = response.Content.Headers.ContentType?.MediaType;
        if (read is not null && response.IsSuccessStatusCode)
        {
            await using var stream = await response.Content.ReadAsStreamAsync(token);
            var parsed = await read(new HttpResponseBody(url, response.StatusCode, stream, mediaType, links), token);
            return new HttpPage(url, response.StatusCode, [], mediaType, links, retryAfter) { Parsed = parsed };
        }

        var body = await response.Content.ReadAsByteArrayAsync(token);
        return new HttpPage(url, response.StatusCode, body, mediaType, links, retryAfter)
        {
            Charset = response.Content.Headers.ContentType?.CharSet,
        };
    }

    private ResiliencePipeline<HttpPage> BuildRetry()
    {
        var builder = new ResiliencePipelineBuilder<HttpPage>();
        if (_settings.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<HttpPage>
            {
                MaxRetryAttempts = _settings.Retries,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = _settings.RetryDelay,
                MaxDelay = _settings.MaxRetryDelay,
                ShouldHandle = new PredicateBuilder<HttpPage>()
                    .HandleResult(page => page.IsTransient)
                    .Handle<HttpRequestException>()
                    .Handle<IOException>()
                    .Handle<TimeoutRejectedException>(),
                DelayGenerator = args => ValueTask.FromResult(ServerDelay(args.Outcome.Result)),
                OnRetry = args =>
                {
                    Interlocked.Increment(ref _retries);
                    var what = args.Outcome.Result is { } page ? page.StatusText : Reason(args.Outcome.Exception);
                    var request = args.Context.Properties.GetValue(RequestKey, null!);
                    _log($"{Describe(request)} -> {what}; retry {args.AttemptNumber + 1} of {_settings.Retries} in {args.RetryDelay.TotalSeconds:0.###}s");
                    return ValueTask.CompletedTask;
                },
            });
        }

        return builder.Build();
    }

    /// <summary>The server's Retry-After, capped at max_retry_delay; null lets the backoff decide.</summary>
    private TimeSpan? ServerDelay(HttpPage? page)
    {
        if (ResponseHeaders.RetryAfter(page?.RetryAfter, DateTimeOffset.UtcNow) is not { } wait)
        {
            return null;
        }

        return wait > _settings.MaxRetryDelay ? _settings.MaxRetryDelay : wait;
    }

    private string Reason(Exception? e) => e switch
    {
        TimeoutRejectedException => $"no answer within {_settings.Timeout.TotalSeconds:0.###}s",
        null => "failed",
        _ => e.Message,
    };

    private static string Describe(HttpRequestSpec request) => $"{request.Method} {SafeUrl.Describe(request.Url)}";

    public void Dispose() => _client.Dispose();
}
