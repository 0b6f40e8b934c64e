using System.Net;

namespace Sluice.Connectors.Http.Client;

/// <summary>
/// One response: read whole (web pages, error bodies), or, for a caller that streams, what its
/// reader made of the body (<see cref="Parsed"/>). Either way the body is read inside the attempt,
/// under its timeout.
/// </summary>
internal sealed record HttpPage(Uri Url, HttpStatusCode Status, byte[] Body, string? MediaType, IReadOnlyList<string> Links, string? RetryAfter)
{
    /// <summary>The streaming reader's result for a 2xx response; null when the body was read whole.</summary>
    public object? Parsed { get; init; }

    /// <summary>The charset of the Content-Type header, for decoding text the body does not describe itself.</summary>
    public string? Charset { get; init; }

    public int Code => (int)Status;

    public bool IsSuccess => Code is >= 200 and < 300;

    /// <summary>Statuses worth another attempt: throttling, a server in trouble, a request timeout.</summary>
    public bool IsTransient => Code is 408 or 429 or 500 or 502 or 503 or 504 or 507 or 509 || Code > 519;

    public string StatusText => $"HTTP {Code} {Status}";
}

/// <summary>What to send; built fresh for every attempt because a request message cannot be sent twice.</summary>
internal sealed record HttpRequestSpec(HttpMethod Method, Uri Url, string? Body = null, string? ContentType = null)
{
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
}

/// <summary>A 2xx response whose body is read as it arrives.</summary>
internal sealed record HttpResponseBody(Uri Url, HttpStatusCode Status, Stream Content, string? MediaType, IReadOnlyList<string> Links)
{
    public string StatusText => $"HTTP {(int)Status} {Status}";
}
