using System.Text.Json.Nodes;
using Sluice.Alerts.Configuration;
using Sluice.Alerts.Delivery;
using Sluice.Alerts.Incidents;

namespace Sluice.Alerts.Channels;

/// <summary>Options of a <c>pagerduty</c> channel: the integration's routing key (a secret) and the Events API v2 URL.</summary>
internal sealed record PagerDutyOptions(string RoutingKey, Uri Url)
{
    public const string DefaultUrl = "https://events.pagerduty.com/v2/enqueue";

    public static PagerDutyOptions? Read(OptionReader options)
    {
        options.AllowOnly("type", "routing_key", "url");
        var key = options.Text("routing_key", required: true);
        var url = options.Has("url") ? options.Url("url", required: true) : new Uri(DefaultUrl);
        return key is null || url is null ? null : new PagerDutyOptions(key, url);
    }
}

/// <summary>
/// Sends PagerDuty Events API v2 events: <c>trigger</c> and then <c>resolve</c> with the incident key as
/// <c>dedup_key</c>, so PagerDuty folds repeats into one incident and closes it on recovery.
/// </summary>
internal sealed class PagerDutyChannel(string name, PagerDutyOptions options, HttpClient http) : IAlertChannel
{
    public string Name => name;

    public string Type => "pagerduty";

    public Task SendAsync(AlertMessage message, CancellationToken cancellationToken) =>
        JsonPost.SendAsync(http, options.Url, Payload(message, options.RoutingKey), [], cancellationToken);

    internal static JsonObject Payload(AlertMessage message, string routingKey)
    {
        var body = new JsonObject
        {
            ["routing_key"] = routingKey,
            ["event_action"] = message.State == AlertState.Triggered ? "trigger" : "resolve",
            ["dedup_key"] = message.IncidentKey,
        };
        if (message.State == AlertState.Triggered)
        {
            body["payload"] = new JsonObject
            {
                // PagerDuty cuts summaries at 1024 characters.
                ["summary"] = message.Summary.Length > 1024 ? message.Summary[..1021] + "..." : message.Summary,
                ["severity"] = message.Severity.Name(),
                ["source"] = "sluice/" + message.Pipeline,
                ["component"] = message.Subject,
                ["group"] = message.Pipeline,
                ["class"] = message.Kind,
                ["custom_details"] = WebhookChannel.Payload(message),
            };
        }

        return body;
    }
}
