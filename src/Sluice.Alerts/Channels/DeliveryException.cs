namespace Sluice.Alerts.Channels;

/// <summary>A receiver refused a message. <see cref="Retryable"/> is false when retrying cannot help (a 404, a 400).</summary>
internal sealed class DeliveryException(string message, bool retryable) : Exception(message)
{
    public bool Retryable { get; } = retryable;
}
