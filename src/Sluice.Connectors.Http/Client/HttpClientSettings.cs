using System.Globalization;
using System.Net.Http.Headers;
using System.Text;
using Sluice.Templating;

namespace Sluice.Connectors.Http.Client;

/// <summary>How to talk to one server: the resolved options of an <c>http</c> connection, or defaults.</summary>
internal sealed record HttpClientSettings
{
    public const string DefaultUserAgent = "Sluice/0.1 (data pipeline)";

    /// <summary>Identifies the limiter shared by tasks of one connection; null when no connection is used.</summary>
    public string? ConnectionName { get; init; }
    public Uri? BaseUrl { get; init; }
    public IReadOnlyList<KeyValuePair<string, string>> Headers { get; init; } = [];
    public IReadOnlyList<KeyValuePair<string, string>> Query { get; init; } = [];
    public AuthenticationHeaderValue? Authorization { get; init; }
    public string UserAgent { get; init; } = DefaultUserAgent;
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);
    public int Retries { get; init; } = 5;
    public TimeSpan RetryDelay { get; init; } = TimeSpan.FromSeconds(1);
    public TimeSpan MaxRetryDelay { get; init; } = TimeSpan.FromSeconds(60);
    public double? MaxRequestsPerSecond { get; init; }

    /// <summary>The settings of the connection a task names, or defaults for a task that gives a full URL.</summary>
    public static HttpClientSettings For(TaskContext context)
    {
        if (!context.Options.Has("connection"))
        {
            return new HttpClientSettings();
        }

        var name = context.Options.GetRequiredString("connection");
        var options = context.Connection();
        var location = options.LocationOf("base_url");
        var baseUrl = options.GetString("base_url");
        var retries = options.GetInt("retries");
        var rate = options.Has("max_requests_per_second") ? options.GetNumber("max_requests_per_second") : (double?)null;
        if (rate is <= 0 || retries < 0)
        {
            throw new NonRetryableException($"connection '{name}': retries must be 0 or more and max_requests_per_second above 0.");
        }

        return new HttpClientSettings
        {
            ConnectionName = name,
            BaseUrl = baseUrl is null ? null : ParseAbsolute(WithTrailingSlash(baseUrl), $"{location}: connection '{name}': base_url"),
            Headers = Secret(options.GetMap("headers"), context.Templates.Secrets),
            Query = Secret(options.GetMap("query"), context.Templates.Secrets),
            Authorization = Credentials(options, context.Templates.Secrets),
            UserAgent = options.GetString("user_agent") ?? DefaultUserAgent,
            Timeout = Durations.Read(options, "timeout", TimeSpan.FromSeconds(30)),
            Retries = retries,
            RetryDelay = Durations.Read(options, "retry_delay", TimeSpan.FromSeconds(1)),
            MaxRetryDelay = Durations.Read(options, "max_retry_delay", TimeSpan.FromSeconds(60)),
            MaxRequestsPerSecond = rate,
        };
    }

    /// <summary>A task's url: absolute as given, or relative to the connection's base_url.</summary>
    public Uri Resolve(string url, string where)
    {
        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            return absolute;
        }

        if (BaseUrl is null)
        {
            throw new NonRetryableException($"{where}: url '{url}' is not an absolute http(s) URL. Give a full URL, or name a connection with a base_url.");
        }

        // A leading slash would drop the base URL's own path (/v1/), which is rarely what anyone means.
        return new Uri(BaseUrl, url.TrimStart('/'));
    }

    /// <summary>
    /// The first request's URL: the task's url resolved, with the task's query parameters, and the
    /// connection's (api keys) only when the url is on the connection's origin.
    /// </summary>
    public Uri FirstUrl(string url, IReadOnlyList<KeyValuePair<string, string>> taskQuery, string where)
    {
        var resolved = Resolve(url, where);
        var connectionQuery = CredentialOrigin(resolved).Matches(resolved) ? Query : [];
        return Paging.QueryString.With(resolved, connectionQuery.Concat(taskQuery));
    }

    /// <summary>Where the connection's credentials may go: its base_url's origin, else the task's own url's.</summary>
    public Origin CredentialOrigin(Uri taskUrl) => Origin.Of(BaseUrl ?? taskUrl);

    private static AuthenticationHeaderValue? Credentials(ConnectorOptions options, SecretMasker secrets)
    {
        if (options.GetString("bearer_token") is { Length: > 0 } token)
        {
            // Registered even when written literally rather than as ${VAR}: a token is a secret wherever it came from.
            secrets.Register(token);
            return new AuthenticationHeaderValue("Bearer", token);
        }

        if (options.GetString("username") is { } user)
        {
            var password = options.GetString("password");
            secrets.Register(password);
            var pair = Convert.ToBase64String(Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"{user}:{password}")));
            // The encoded pair is as secret as the password, and the masker only knows the raw value.
            secrets.Register(pair);
            return new AuthenticationHeaderValue("Basic", pair);
        }

        return null;
    }

    /// <summary>Registers the values of credential-like headers and parameters (api keys, tokens) with the masker.</summary>
    private static IReadOnlyList<KeyValuePair<string, string>> Secret(IReadOnlyList<KeyValuePair<string, string>> values, SecretMasker secrets)
    {
        foreach (var (name, value) in values.Where(v => SafeUrl.IsSensitive(v.Key)))
        {
            secrets.Register(value);
        }

        return values;
    }

    private static string WithTrailingSlash(string url) => url.EndsWith('/') ? url : url + "/";

    private static Uri ParseAbsolute(string url, string what) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https"
            ? uri
            : throw new NonRetryableException($"{what} '{url}' is not an absolute http(s) URL.");
}
