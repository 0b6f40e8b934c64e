using Sluice.Alerts.Delivery;

namespace Sluice.Alerts.Channels;

/// <summary>A named destination declared in alerts.yaml. Sending throws on failure; the caller retries.</summary>
internal interface IAlertChannel
{
    string Name { get; }

    string Type { get; }

    Task SendAsync(AlertMessage message, CancellationToken cancellationToken);
}
