using Sluice.Alerts.Channels;
using Sluice.Alerts.Configuration;
using Sluice.Alerts.Incidents;
using Sluice.Events;
using Sluice.Templating;

namespace Sluice.Alerts.Delivery;

/// <summary>
/// One round of deliveries: announces the incidents that are due and resolves those that cleared, all
/// channels at once and all under one deadline, and returns the alert events to record.
/// </summary>
internal sealed class DeliveryPass(AlertsConfiguration configuration, Deliverer deliverer, IncidentBook book, SecretMasker masker, TimeProvider time)
{
    public async Task<(AlertPassResult Result, IReadOnlyList<RunEvent> Events)> RunAsync(bool flush, long processed, CancellationToken cancellationToken)
    {
        var now = time.GetUtcNow();
        var deadline = now + configuration.Delivery.MaxTotal;
        var announce = book.DueToAnnounce(now, flush);
        var resolve = book.DueToResolve();
        foreach (var incident in announce)
        {
            incident.Status = IncidentStatus.Open;
        }

        // Announced incidents are no longer pending, so the position may move past their first event.
        var through = book.SafePosition(processed);
        var work = announce.Select(i => DeliverAsync(i, announce: true, through, deadline, cancellationToken))
            .Concat(resolve.Select(i => DeliverAsync(i, announce: false, through, deadline, cancellationToken)));
        var done = await Task.WhenAll(work);
        var deliveries = done.SelectMany(d => d).ToList();
        var failures = deliveries.Where(d => d.Failure is not null).Select(d => d.Failure!).ToList();
        var result = new AlertPassResult(
            deliveries.Count(d => d.Failure is null && d.Event.Type == EventTypes.AlertSent),
            deliveries.Count(d => d.Failure is null && d.Event.Type == EventTypes.AlertRecovered),
            failures.Count,
            failures);
        return (result, deliveries.Select(d => d.Event).ToList());
    }

    private async Task<List<(RunEvent Event, string? Failure)>> DeliverAsync(Incident incident, bool announce, long through, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var records = new List<(RunEvent, string?)>();
        incident.SnapshotThrough = through;
        var channels = configuration.ChannelsFor(incident.Pipeline, incident.Kind, incident.Severity);
        if (announce)
        {
            records.AddRange(await SendAsync(incident, AlertState.Triggered, channels, through, deadline, cancellationToken));
        }

        // An incident that cleared before it was announced still gets both messages: it did happen.
        if (incident.Failing.Count == 0)
        {
            incident.Status = IncidentStatus.Resolved;
            records.AddRange(await SendAsync(incident, AlertState.Resolved, channels, through, deadline, cancellationToken));
        }

        return records;
    }

    private async Task<IEnumerable<(RunEvent, string?)>> SendAsync(Incident incident, AlertState state, IReadOnlyList<IAlertChannel> channels, long through, DateTimeOffset deadline, CancellationToken cancellationToken)
    {
        var message = Message(incident, state);
        var outcomes = await Task.WhenAll(channels.Select(async channel => (Channel: channel, Outcome: await deliverer.DeliverAsync(channel, message, deadline, cancellationToken))));
        var now = time.GetUtcNow();
        return outcomes.Select(o => o.Outcome.Delivered
            ? (AlertEvents.Delivered(incident, message, o.Channel.Name, o.Outcome.Attempts, through, now), (string?)null)
            : (AlertEvents.Failed(incident, message, o.Channel.Name, o.Outcome.Attempts, through, now, o.Outcome.Error ?? "unknown error"),
                masker.Apply($"alerts: could not deliver incident '{incident.Key}' ({message.StateName}) to channel '{o.Channel.Name}' after {o.Outcome.Attempts} attempt(s): {o.Outcome.Error}")));
    }

    private AlertMessage Message(Incident incident, AlertState state)
    {
        var intervals = incident.Intervals;
        var span = intervals.Count switch
        {
            0 => string.Empty,
            1 => $" for {IntervalRanges.Text(intervals[0])}",
            _ => $" for {intervals.Count} intervals from {IntervalRanges.Text(intervals[0])} to {IntervalRanges.Text(intervals[^1])}",
        };
        return new AlertMessage
        {
            IncidentKey = incident.Key,
            State = state,
            Pipeline = incident.Pipeline,
            Kind = incident.Kind,
            Subject = incident.Subject,
            Severity = incident.Severity,
            Summary = masker.Apply($"{incident.Pipeline}: {incident.Headline}{span}{(state == AlertState.Resolved ? ": recovered" : string.Empty)}"),
            Details = masker.Apply(incident.Details),
            Intervals = intervals,
            Runs = incident.Runs.ToList(),
            FirstSeen = incident.FirstSeen,
            LastSeen = incident.LastSeen,
            Occurrences = incident.Occurrences,
        };
    }
}
