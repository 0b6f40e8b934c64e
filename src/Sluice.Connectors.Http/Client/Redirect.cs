using System.Net;

namespace Sluice.Connectors.Http.Client;

/// <summary>
/// Redirects as the fetcher follows them (the handler's own following is off, so that credentials
/// are decided per hop by <see cref="RequestCredentials"/>): at most <see cref="MaxHops"/>, never
/// from https down to http, with the method rules browsers and HttpClient apply.
/// </summary>
internal static class Redirect
{
    public const int MaxHops = 10;

    /// <summary>Where a 301/302/303/307/308 with a Location points, resolved against the request's URL; null for any other response.</summary>
    public static Uri? Target(HttpResponseMessage response, Uri current)
    {
        var code = (int)response.StatusCode;
        if (code is not (301 or 302 or 303 or 307 or 308) || response.Headers.Location is not { } location)
        {
            return null;
        }

        return location.IsAbsoluteUri ? location : new Uri(current, location);
    }

    /// <summary>Refuses a chain that is too long, leaves http(s), or downgrades https to http (which would send the request in clear text).</summary>
    public static void Check(Uri from, Uri to, int hop, string where)
    {
        if (hop + 1 > MaxHops)
        {
            throw new NonRetryableException($"{where}: more than {MaxHops} redirects, the last from {SafeUrl.Describe(from)} to {SafeUrl.Describe(to)}. Use the final URL in the task's url.");
        }

        if (to.Scheme is not ("http" or "https") || (from.Scheme == "https" && to.Scheme == "http"))
        {
            throw new NonRetryableException($"{where}: {SafeUrl.Describe(from)} redirects to {SafeUrl.Describe(to)}, which is not followed: a redirect may not leave https. Use an https URL the server answers directly.");
        }
    }

    /// <summary>303 (and 301/302 after a POST) continue as a GET without a body; 307 and 308 repeat the request as it was.</summary>
    public static (HttpMethod Method, string? Body) Next(HttpStatusCode status, HttpMethod method, string? body) =>
        (int)status switch
        {
            303 when method != HttpMethod.Head => (HttpMethod.Get, null),
            301 or 302 when method == HttpMethod.Post => (HttpMethod.Get, null),
            _ => (method, body),
        };
}
