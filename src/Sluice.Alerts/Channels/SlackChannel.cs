using System.Text.Json.Nodes;
using Sluice.Alerts.Configuration;
using Sluice.Alerts.Delivery;

namespace Sluice.Alerts.Channels;

/// <summary>Options of a <c>slack</c> channel: the incoming-webhook URL (a secret: write it as ${VAR}).</summary>
internal sealed record SlackOptions(Uri Url)
{
    public static SlackOptions? Read(OptionReader options)
    {
        options.AllowOnly("type", "url");
        return options.Url("url", required: true) is { } url ? new SlackOptions(url) : null;
    }
}

/// <summary>Posts to a Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): <c>{"text": ...}</c>.</summary>
internal sealed class SlackChannel(string name, SlackOptions options, HttpClient http) : IAlertChannel
{
    public string Name => name;

    public string Type => "slack";

    public Task SendAsync(AlertMessage message, CancellationToken cancellationToken) =>
        JsonPost.SendAsync(http, options.Url, Payload(message), [], cancellationToken);

    internal static JsonObject Payload(AlertMessage message) => new()
    {
        ["text"] = $"*{Escape(message.Title)}*\n{Escape(message.Body())}",
    };

    /// <summary>Slack reads &amp;, &lt; and &gt; as markup; an error text with "&lt;n&gt;" must show as written.</summary>
    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);
}
