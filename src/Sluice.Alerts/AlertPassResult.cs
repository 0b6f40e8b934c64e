namespace Sluice.Alerts;

/// <summary>
/// What one pass of the <see cref="AlertRouter"/> delivered. <see cref="Failures"/> are masked lines
/// for the host to show on stderr; each is also in the event log as an alert_failed event.
/// </summary>
public sealed record AlertPassResult(int Sent, int Recovered, int Failed, IReadOnlyList<string> Failures)
{
    public static AlertPassResult None { get; } = new(0, 0, 0, []);
}
