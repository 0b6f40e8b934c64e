using Sluice.Connectors.Http.Client;

namespace Sluice.Connectors.Http;

/// <summary>
/// The <c>http</c> connection type: where an API lives and how to talk to it (credentials, headers,
/// timeouts, retries, rate limit). Tasks of the <c>http</c> and <c>html</c> sources name one.
/// </summary>
public static class HttpConnection
{
    public const string TypeName = "http";

    public static ConnectionType Type { get; } = new(
        TypeName,
        "An HTTP server or API: base URL, credentials, headers, timeouts, retries and a request-rate limit.",
        [
            OptionSpec.Text("base_url", "Base URL; a task's relative url resolves against it, e.g. https://api.example.com/v1/."),
            new("headers", OptionKind.StringMap, "Headers sent with every request; values may use ${VAR}, e.g. X-Api-Key: ${API_KEY}."),
            new("query", OptionKind.StringMap, "Query parameters added to every request, e.g. api_key: ${API_KEY}."),
            OptionSpec.Text("bearer_token", "Sent as 'Authorization: Bearer <token>'; use ${VAR} so it stays out of files and logs."),
            OptionSpec.Text("username", "Basic authentication user name."),
            OptionSpec.Text("password", "Basic authentication password; use ${VAR}."),
            OptionSpec.Text("user_agent", "User-Agent header.", @default: HttpClientSettings.DefaultUserAgent),
            OptionSpec.Text("timeout", "Time allowed for one request (headers and body), e.g. 30s.", @default: "30s"),
            new("retries", OptionKind.Integer, "Retries of one request after HTTP 429, 5xx, 408, a timeout or a broken connection.") { Default = "5" },
            OptionSpec.Text("retry_delay", "First retry delay; doubles (with jitter) on each retry unless the server sends Retry-After.", @default: "1s"),
            OptionSpec.Text("max_retry_delay", "Longest wait before a retry, Retry-After included.", @default: "60s"),
            new("max_requests_per_second", OptionKind.Number, "Request-rate limit shared by every task of this process that uses this connection (retries count)."),
        ]);
}
