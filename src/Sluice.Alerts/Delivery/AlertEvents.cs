using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Alerts.Incidents;
using Sluice.Events;

namespace Sluice.Alerts.Delivery;

/// <summary>
/// The alert_sent, alert_failed and alert_recovered events: what was delivered where, and a snapshot of
/// the incident with the log position it reflects, from which a restarted router rebuilds its state.
/// </summary>
internal static class AlertEvents
{
    public static IReadOnlyList<string> Types { get; } = [EventTypes.AlertSent, EventTypes.AlertFailed, EventTypes.AlertRecovered];

    public static RunEvent Delivered(Incident incident, AlertMessage message, string channel, int attempts, long through, DateTimeOffset now) =>
        Make(message.State == AlertState.Triggered ? EventTypes.AlertSent : EventTypes.AlertRecovered, incident, message, channel, attempts, through, now, "delivered", null);

    public static RunEvent Failed(Incident incident, AlertMessage message, string channel, int attempts, long through, DateTimeOffset now, string error) =>
        Make(EventTypes.AlertFailed, incident, message, channel, attempts, through, now, "failed", error);

    /// <summary>The incident as the event recorded it, or null for an event this version cannot read.</summary>
    public static Incident? Restore(RunEvent e)
    {
        if (e.Text("incident") is not { } key || e.Text("kind") is not { } kind || e.Pipeline is not { } pipeline
            || AlertSeverities.Parse(e.Text("severity")) is not { } severity || e.Number("through") is not { } through)
        {
            return null;
        }

        var incident = new Incident
        {
            Key = key,
            Kind = kind,
            Pipeline = pipeline,
            Subject = e.Text("subject") ?? string.Empty,
            Headline = e.Text("headline") ?? kind,
            Details = e.Text("details") ?? string.Empty,
            Severity = severity,
            FirstSeen = DateTimeOffset.TryParse(e.Text("first_seen"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var first) ? first : e.Timestamp,
            FirstEventId = e.Number("first_event") ?? through,
            LastSeen = DateTimeOffset.TryParse(e.Text("last_seen"), CultureInfo.InvariantCulture, DateTimeStyles.None, out var last) ? last : e.Timestamp,
            Occurrences = (int)(e.Number("occurrences") ?? 1),
            Status = e.Text("state") == "resolved" ? IncidentStatus.Resolved : IncidentStatus.Open,
            SnapshotThrough = through,
        };
        incident.Affected.UnionWith(Dates(e.Payload["intervals"]));
        incident.Failing.UnionWith(Dates(e.Payload["failing"]));
        if (e.Payload["undated_failing"]?.GetValue<bool>() == true)
        {
            incident.Failing.Add(Incident.Undated);
            incident.Affected.Add(Incident.Undated);
        }

        if (e.Payload["runs"] is JsonArray runs)
        {
            incident.Runs.UnionWith(runs.Select(r => r!.GetValue<long>()));
        }

        return incident;
    }

    private static RunEvent Make(string type, Incident incident, AlertMessage message, string channel, int attempts, long through, DateTimeOffset now, string status, string? error)
    {
        var payload = new JsonObject
        {
            ["incident"] = incident.Key,
            ["channel"] = channel,
            ["attempt"] = (long)attempts,
            ["status"] = status,
            ["state"] = message.StateName,
            ["summary"] = message.Summary,
            ["kind"] = incident.Kind,
            ["subject"] = incident.Subject,
            ["headline"] = incident.Headline,
            ["details"] = message.Details,
            ["severity"] = incident.Severity.Name(),
            ["intervals"] = DateArray(incident.Affected),
            ["failing"] = DateArray(incident.Failing),
            ["undated_failing"] = incident.Failing.Contains(Incident.Undated),
            ["runs"] = new JsonArray(incident.Runs.Select(r => (JsonNode)r).ToArray()),
            ["occurrences"] = (long)incident.Occurrences,
            ["first_seen"] = incident.FirstSeen.ToString("O", CultureInfo.InvariantCulture),
            ["last_seen"] = incident.LastSeen.ToString("O", CultureInfo.InvariantCulture),
            ["first_event"] = incident.FirstEventId,
            ["through"] = through,
        };
        if (error is not null)
        {
            payload["error"] = error;
        }

        return new RunEvent { Timestamp = now, Type = type, Pipeline = incident.Pipeline, Payload = payload };
    }

    private static JsonArray DateArray(IEnumerable<DateOnly> dates) =>
        new(dates.Where(d => d != Incident.Undated).Select(d => (JsonNode)IntervalRanges.Text(d)).ToArray());

    private static IEnumerable<DateOnly> Dates(JsonNode? node) =>
        node is JsonArray array
            ? array.Select(d => DateOnly.TryParseExact(d?.ToString(), "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date) ? (DateOnly?)date : null).OfType<DateOnly>()
            : [];
}
