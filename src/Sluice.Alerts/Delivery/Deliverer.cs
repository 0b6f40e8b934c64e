using Sluice.Alerts.Channels;
using Sluice.Alerts.Configuration;
using Sluice.Templating;

namespace Sluice.Alerts.Delivery;

/// <summary>How one delivery ended: after how many attempts, and the last error (masked) when it failed.</summary>
internal sealed record DeliveryOutcome(bool Delivered, int Attempts, string? Error);

/// <summary>
/// Delivers one message to one channel: each attempt limited to the request timeout, retried with
/// doubling delays, and never past the deadline shared by the whole pass, so a receiver that hangs
/// costs at most that long.
/// </summary>
internal sealed class Deliverer(DeliveryPolicy policy, TimeProvider time, SecretMasker masker)
{
    public async Task<DeliveryOutcome> DeliverAsync(IAlertChannel channel, AlertMessage message, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var delay = policy.FirstRetryDelay;
        var attempt = 0;
        string? error = null;
        while (true)
        {
            var remaining = deadline - time.GetUtcNow();
            if (remaining <= TimeSpan.Zero)
            {
                return new(false, attempt, error ?? "no time was left for a first attempt");
            }

            attempt++;
            var limit = remaining < policy.Timeout ? remaining : policy.Timeout;
            using var timeout = new CancellationTokenSource(limit, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
            var retryable = true;
            try
            {
                await channel.SendAsync(message, linked.Token);
                return new(true, attempt, null);
            }
            catch (OperationCanceledException) when (timeout.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
            {
                error = limit < policy.Timeout
                    ? $"no answer within {Describe(limit)}, when the delivery bound (max_total {Describe(policy.MaxTotal)}) ran out"
                    : $"no answer within {Describe(limit)} (timeout)";
            }
            catch (DeliveryException e)
            {
                error = e.Message;
                retryable = e.Retryable;
            }
            catch (Exception e) when (e is not OperationCanceledException and not OutOfMemoryException)
            {
                // Whatever a receiver or its client library throws (refused connection, TLS handshake,
                // SMTP protocol error) is this channel's failure, never the host's.
                error = e.InnerException is { } inner ? $"{e.Message} ({inner.Message})" : e.Message;
            }

            error = masker.Apply(error);
            if (!retryable || attempt >= policy.Attempts || time.GetUtcNow() + delay >= deadline)
            {
                return new(false, attempt, error);
            }

            await Task.Delay(delay, time, cancellationToken);
            delay += delay;
        }
    }

    private static string Describe(TimeSpan span) =>
        span.TotalSeconds >= 1 ? $"{span.TotalSeconds:0.#}s" : $"{span.TotalMilliseconds:0}ms";
}
