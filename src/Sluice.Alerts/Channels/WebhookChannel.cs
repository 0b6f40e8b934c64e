using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Alerts.Configuration;
using Sluice.Alerts.Delivery;
using Sluice.Alerts.Incidents;

namespace Sluice.Alerts.Channels;

/// <summary>Options of a <c>webhook</c> channel: where to post, and headers to add (an Authorization token, as ${VAR}).</summary>
internal sealed record WebhookOptions(Uri Url, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    public static WebhookOptions? Read(OptionReader options)
    {
        options.AllowOnly("type", "url", "headers");
        var url = options.Url("url", required: true);
        var headers = options.Map("headers");
        return url is null ? null : new WebhookOptions(url, headers);
    }
}

/// <summary>Posts the generic JSON payload documented in docs/alerting.md, version 1.</summary>
internal sealed class WebhookChannel(string name, WebhookOptions options, HttpClient http) : IAlertChannel
{
    public string Name => name;

    public string Type => "webhook";

    public Task SendAsync(AlertMessage message, CancellationToken cancellationToken) =>
        JsonPost.SendAsync(http, options.Url, Payload(message), options.Headers, cancellationToken);

    internal static JsonObject Payload(AlertMessage message) => new()
    {
        ["version"] = 1L,
        ["incident_key"] = message.IncidentKey,
        ["state"] = message.StateName,
        ["pipeline"] = message.Pipeline,
        ["kind"] = message.Kind,
        ["subject"] = message.Subject,
        ["severity"] = message.Severity.Name(),
        ["summary"] = message.Summary,
        ["details"] = message.Details,
        ["intervals"] = new JsonArray(message.Intervals.Select(d => (JsonNode)IntervalRanges.Text(d)).ToArray()),
        ["runs"] = new JsonArray(message.Runs.Select(r => (JsonNode)r).ToArray()),
        ["occurrences"] = (long)message.Occurrences,
        ["first_seen"] = message.FirstSeen.ToString("O", CultureInfo.InvariantCulture),
        ["last_seen"] = message.LastSeen.ToString("O", CultureInfo.InvariantCulture),
    };
}
