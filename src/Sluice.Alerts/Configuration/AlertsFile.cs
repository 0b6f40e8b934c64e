using Sluice.Alerts.Channels;
using Sluice.Alerts.Incidents;
using Sluice.Model;
using Sluice.Templating;
using Sluice.Validation;
using Sluice.Yaml;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Alerts.Configuration;

/// <summary>
/// The project's alert channels and routes: an <c>alerts.yaml</c> file found like connections.yaml
/// (SLUICE_ALERTS, else beside the pipeline, else in the working folder). See docs/alerting.md.
/// </summary>
public static class AlertsFile
{
    public const string FileName = "alerts.yaml";

    private static readonly Dictionary<string, Func<string, OptionReader, HttpClient, DeliveryPolicy, IAlertChannel?>> ChannelTypes = new(StringComparer.Ordinal)
    {
        ["slack"] = (name, options, http, _) => SlackOptions.Read(options) is { } o ? new SlackChannel(name, o, http) : null,
        ["webhook"] = (name, options, http, _) => WebhookOptions.Read(options) is { } o ? new WebhookChannel(name, o, http) : null,
        ["email"] = (name, options, _, delivery) => EmailOptions.Read(options) is { } o ? new EmailChannel(name, o, delivery.Timeout) : null,
        ["pagerduty"] = (name, options, http, _) => PagerDutyOptions.Read(options) is { } o ? new PagerDutyChannel(name, o, http) : null,
    };

    /// <summary>The alerts file that applies to a pipeline in <paramref name="pipelineDirectory"/>, if any.</summary>
    public static string? FindFile(string pipelineDirectory)
    {
        if (Environment.GetEnvironmentVariable("SLUICE_ALERTS") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : throw new SluiceException($"SLUICE_ALERTS points to '{configured}', which does not exist.");
        }

        return new[] { Path.Combine(pipelineDirectory, FileName), Path.GetFullPath(FileName) }.FirstOrDefault(File.Exists);
    }

    /// <summary>
    /// Checks the file as <see cref="AlertRouter.Create"/> would, for `sluice validate`: throws
    /// <see cref="PipelineValidationException"/> listing every problem; sends nothing.
    /// </summary>
    public static void Validate(string file, Func<string, string?> secrets)
    {
        using var http = new HttpClient();
        Load(file, secrets, new SecretMasker(), http);
    }

    /// <summary>Reads and validates the file; every problem is reported at once, at file:line:col.</summary>
    internal static AlertsConfiguration Load(string file, Func<string, string?> secrets, SecretMasker masker, HttpClient http)
    {
        var display = PipelineYamlLoader.DisplayPath(Path.GetFullPath(file));
        var text = File.ReadAllText(file);
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new PipelineValidationException([new PipelineError(new SourceLocation(display, (int)e.Start.Line, (int)e.Start.Column), $"invalid YAML: {e.InnerException?.Message ?? e.Message}")]);
        }

        var errors = new List<PipelineError>();
        var nodes = new YamlNodes(display, errors);
        if (stream.Documents.Count == 0 || nodes.Mapping(stream.Documents[0].RootNode, "an alerts file") is not { } root)
        {
            throw errors.Count > 0 ? new PipelineValidationException(errors) : new SluiceException($"{display}: the alerts file is empty; declare 'channels' and 'routes' (see docs/alerting.md).");
        }

        var renderer = new TemplateRenderer(new DataInterval(DateOnly.MinValue, DateTimeOffset.MinValue, DateTimeOffset.MinValue), new Dictionary<string, string>(), masker, secrets);
        var top = new OptionReader((MapOption)nodes.Option(root), "the alerts file", errors, renderer);
        top.AllowOnly("channels", "routes", "delivery", "grouping");
        var delivery = ReadDelivery(top.Mapping("delivery") is { } d ? new OptionReader(d, "'delivery'", errors, renderer) : null);
        var grouping = ReadGrouping(top.Mapping("grouping") is { } g ? new OptionReader(g, "'grouping'", errors, renderer) : null);
        var channels = ReadChannels(top, errors, renderer, http, delivery);
        var routes = ReadRoutes(top, errors, renderer, channels);
        if (errors.Count > 0)
        {
            throw new PipelineValidationException(errors);
        }

        return new AlertsConfiguration(channels, routes, delivery, grouping);
    }

    private static List<IAlertChannel> ReadChannels(OptionReader top, List<PipelineError> errors, TemplateRenderer renderer, HttpClient http, DeliveryPolicy delivery)
    {
        var channels = new List<IAlertChannel>();
        if (top.Mapping("channels") is not { } map)
        {
            top.Error(top.Location, "the alerts file needs 'channels': a mapping of channel names to their type and options.");
            return channels;
        }

        foreach (var (name, body) in map.Entries)
        {
            var at = body.KeyLocation ?? body.Location;
            if (body is not MapOption options)
            {
                errors.Add(new PipelineError(at, $"channel '{name}' must be a mapping with a 'type' and its options."));
                continue;
            }

            var reader = new OptionReader(options, $"channel '{name}'", errors, renderer);
            var type = (options.Find("type") as ScalarOption)?.Value;
            if (type is null)
            {
                errors.Add(new PipelineError(at, $"channel '{name}' needs a 'type': one of {string.Join(", ", ChannelTypes.Keys)}."));
            }
            else if (!ChannelTypes.TryGetValue(type, out var create))
            {
                errors.Add(new PipelineError(options.Find("type")!.Location, Suggestions.UnknownName("channel type", type, ChannelTypes.Keys, $"for channel '{name}'")));
            }
            else if (create(name, reader, http, delivery) is { } channel)
            {
                channels.Add(channel);
            }
        }

        return channels;
    }

    private static List<AlertRoute> ReadRoutes(OptionReader top, List<PipelineError> errors, TemplateRenderer renderer, List<IAlertChannel> channels)
    {
        var routes = new List<AlertRoute>();
        var declared = top.Mapping("channels")?.Entries.Select(e => e.Key).ToList() ?? [];
        switch (top.Raw("routes"))
        {
            case null or ScalarOption { Value: null }:
                top.Error(top.Location, "the alerts file needs 'routes': a list of { pipelines, min_severity, channels }, or nothing is sent.");
                return routes;
            case not ListOption:
                top.Error(top.LocationOf("routes"), "'routes' must be a list of routes, each starting with '- '.");
                return routes;
        }

        var list = (ListOption)top.Raw("routes")!;
        foreach (var item in list.Items)
        {
            if (item is not MapOption body)
            {
                errors.Add(new PipelineError(item.Location, "each route must be a mapping with 'channels' and optionally 'pipelines', 'min_severity' and 'kinds'."));
                continue;
            }

            var route = new OptionReader(body, "a route", errors, renderer);
            route.AllowOnly("pipelines", "min_severity", "kinds", "channels");
            var severityText = route.Text("min_severity") ?? "warning";
            var severity = AlertSeverities.Parse(severityText);
            if (severity is null)
            {
                route.Error(route.LocationOf("min_severity"), Suggestions.UnknownName("severity", severityText, AlertSeverities.Names, "in a route"));
            }

            var kinds = route.List("kinds");
            foreach (var kind in kinds.Where(k => !IncidentKinds.All.Contains(k)))
            {
                route.Error(route.LocationOf("kinds"), Suggestions.UnknownName("incident kind", kind, IncidentKinds.All, "in a route"));
            }

            var names = route.List("channels", required: true);
            foreach (var name in names.Where(n => !declared.Contains(n)))
            {
                route.Error(route.LocationOf("channels"), Suggestions.UnknownName("channel", name, declared, "in a route") + " Declare it under 'channels'.");
            }

            routes.Add(new AlertRoute(route.List("pipelines"), severity ?? AlertSeverity.Warning, kinds, names));
        }

        return routes;
    }

    private static DeliveryPolicy ReadDelivery(OptionReader? options)
    {
        var fallback = DeliveryPolicy.Default;
        if (options is null)
        {
            return fallback;
        }

        options.AllowOnly("timeout", "attempts", "retry_delay", "max_total");
        return new DeliveryPolicy(
            options.Duration("timeout", fallback.Timeout),
            options.Int("attempts", fallback.Attempts, 1, 20),
            options.Duration("retry_delay", fallback.FirstRetryDelay),
            options.Duration("max_total", fallback.MaxTotal));
    }

    private static GroupingPolicy ReadGrouping(OptionReader? options)
    {
        var fallback = GroupingPolicy.Default;
        if (options is null)
        {
            return fallback;
        }

        options.AllowOnly("quiet_for", "max_wait", "ignore_older_than");
        return new GroupingPolicy(
            options.Duration("quiet_for", fallback.QuietFor),
            options.Duration("max_wait", fallback.MaxWait),
            options.Duration("ignore_older_than", fallback.IgnoreOlderThan));
    }
}
