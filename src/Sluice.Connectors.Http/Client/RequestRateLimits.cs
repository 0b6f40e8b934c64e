using System.Collections.Concurrent;
using System.Threading.RateLimiting;

namespace Sluice.Connectors.Http.Client;

/// <summary>
/// One token bucket per connection and rate, shared by every task of this process that uses the
/// connection: an API's limit is per client, not per task, so two tasks must not each get the whole rate.
/// </summary>
internal static class RequestRateLimits
{
    private static readonly ConcurrentDictionary<string, RateLimiter> Limiters = new(StringComparer.Ordinal);

    public static RateLimiter? For(HttpClientSettings settings, Uri firstUrl)
    {
        if (settings.MaxRequestsPerSecond is not { } rate)
        {
            return null;
        }

        var key = $"{settings.ConnectionName ?? firstUrl.GetLeftPart(UriPartial.Authority)}|{rate}";
        return Limiters.GetOrAdd(key, _ => Create(rate));
    }

    /// <summary>
    /// A bucket of one token refilled every 1/rate seconds: requests are evenly spaced and never
    /// burst above the rate, which is what servers that count per second expect.
    /// </summary>
    internal static RateLimiter Create(double requestsPerSecond) =>
        new TokenBucketRateLimiter(new TokenBucketRateLimiterOptions
        {
            TokenLimit = 1,
            TokensPerPeriod = 1,
            ReplenishmentPeriod = TimeSpan.FromSeconds(1 / requestsPerSecond),
            QueueLimit = int.MaxValue,
            QueueProcessingOrder = QueueProcessingOrder.OldestFirst,
            AutoReplenishment = true,
        });
}
