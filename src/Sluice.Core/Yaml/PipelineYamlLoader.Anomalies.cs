using System.Globalization;
using System.Text.RegularExpressions;
using Sluice.Model;
using Sluice.Templating;
using YamlDotNet.RepresentationModel;

namespace Sluice.Yaml;

/// <summary>The <c>anomalies:</c> block: which metrics are compared with their history, and how strictly (docs/anomalies.md).</summary>
public static partial class PipelineYamlLoader
{
    private static readonly string[] AnomalySettingKeys = ["threshold", "min_history", "min_change", "severity"];

    private static readonly string[] AnomalySeverities = ["warning", "error", "critical"];

    private static AnomalyDefinition ReadAnomalies(YamlNode value, YamlNodes nodes, IntervalUnit unit)
    {
        if (value is YamlScalarNode scalar)
        {
            var enabled = Connectors.OptionParsing.ParseBool(scalar.Value);
            if (enabled is null)
            {
                nodes.Error(value, $"anomalies must be a mapping (threshold, min_history, min_change, severity, metrics) or false to turn detection off (got '{scalar.Value}').");
            }

            return AnomalyDefinition.Default with { Enabled = enabled ?? true, Location = nodes.At(value) };
        }

        if (nodes.Mapping(value, "anomalies") is not { } mapping)
        {
            return AnomalyDefinition.Default;
        }

        var settings = ReadAnomalySettings(mapping, nodes, new AnomalySettings(), unit, "anomalies", [.. AnomalySettingKeys, "metrics"]);
        var metrics = new List<MetricSelector>();
        if (mapping.Children.FirstOrDefault(c => (c.Key as YamlScalarNode)?.Value == "metrics").Value is { } list)
        {
            metrics.AddRange(ReadMetricSelectors(list, nodes, settings, unit));
        }

        return new AnomalyDefinition { Settings = settings, Metrics = metrics, Location = nodes.At(value) };
    }

    private static IEnumerable<MetricSelector> ReadMetricSelectors(YamlNode value, YamlNodes nodes, AnomalySettings defaults, IntervalUnit unit)
    {
        switch (value)
        {
            case YamlSequenceNode or YamlScalarNode:
                foreach (var item in value is YamlSequenceNode sequence ? sequence.Children : [value])
                {
                    if (nodes.Scalar(item, "each item of anomalies.metrics") is { } text && Selector(text, item, nodes) is { } parsed)
                    {
                        yield return new MetricSelector(parsed.Dataset, parsed.Metric, defaults, nodes.At(item));
                    }
                }

                break;
            case YamlMappingNode map:
                foreach (var (text, keyNode, body) in nodes.Entries(map, "anomalies.metrics", []))
                {
                    var own = body is YamlScalarNode { Value: null or "" or "~" or "null" } ? defaults
                        : nodes.Mapping(body, $"anomalies.metrics.{text}") is { } overrides ? ReadAnomalySettings(overrides, nodes, defaults, unit, $"anomalies.metrics.{text}", AnomalySettingKeys)
                        : defaults;
                    if (Selector(text, keyNode, nodes) is { } parsed)
                    {
                        yield return new MetricSelector(parsed.Dataset, parsed.Metric, own, nodes.At(keyNode));
                    }
                }

                break;
        }
    }

    private static (string? Dataset, string Metric)? Selector(string text, YamlNode node, YamlNodes nodes)
    {
        if (MetricSelectorPattern().IsMatch(text))
        {
            return MetricSelector.Parse(text);
        }

        nodes.Error(node, $"anomalies.metrics: '{text}' is not a metric. Write a metric name for every dataset (rows), a dataset's metric (orders.revenue) or all of a dataset's metrics (orders.*).");
        return null;
    }

    private static AnomalySettings ReadAnomalySettings(YamlMappingNode mapping, YamlNodes nodes, AnomalySettings settings, IntervalUnit unit, string what, string[] allowed)
    {
        foreach (var (key, _, item) in nodes.Entries(mapping, what, allowed))
        {
            var text = key == "metrics" ? null : nodes.Scalar(item, $"{what}.{key}");
            switch (key)
            {
                case "threshold":
                    if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var threshold) && threshold > 0)
                    {
                        settings = settings with { Threshold = threshold };
                    }
                    else
                    {
                        nodes.Error(item, $"{what}.threshold must be a positive number, how many robust standard deviations from the usual value count as an anomaly (default 3.5; got '{text}').");
                    }

                    break;
                case "min_change":
                    if (ReadShare(text) is { } share)
                    {
                        settings = settings with { MinRelativeChange = share };
                    }
                    else
                    {
                        nodes.Error(item, $"{what}.min_change must be a share of the usual value such as 0.1 or 10% (got '{text}').");
                    }

                    break;
                case "min_history":
                    if (ReadHistoryLength(text, unit) is { } intervals)
                    {
                        settings = settings with { MinHistory = intervals };
                    }
                    else
                    {
                        nodes.Error(item, $"{what}.min_history must be a number of intervals (14) or a length such as 14d or 4 weeks (got '{text}').");
                    }

                    break;
                case "severity":
                    var severity = text?.Trim().ToLowerInvariant() is "warn" ? "warning" : text?.Trim().ToLowerInvariant();
                    if (severity is not null && AnomalySeverities.Contains(severity))
                    {
                        settings = settings with { Severity = severity };
                    }
                    else
                    {
                        nodes.Error(item, $"{what}.severity: " + Validation.Suggestions.UnknownName("severity", text ?? string.Empty, AnomalySeverities));
                    }

                    break;
            }
        }

        return settings;
    }

    private static double? ReadShare(string? text)
    {
        var percent = text?.Trim().EndsWith('%') == true;
        var number = percent ? text!.Trim()[..^1] : text;
        return double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var share) && share >= 0
            ? percent ? share / 100 : share
            : null;
    }

    /// <summary>A number of intervals, or a length in days or weeks turned into intervals of the pipeline's unit.</summary>
    private static int? ReadHistoryLength(string? text, IntervalUnit unit)
    {
        var match = HistoryLengthPattern().Match(text?.Trim() ?? string.Empty);
        if (!match.Success || !int.TryParse(match.Groups["n"].Value, NumberStyles.Integer, CultureInfo.InvariantCulture, out var n))
        {
            return null;
        }

        var days = match.Groups["unit"].Value.ToLowerInvariant() switch
        {
            "" => (int?)null,
            var u when u.StartsWith('w') => n * 7,
            _ => n,
        };
        return days switch
        {
            null => n,
            { } d when unit == IntervalUnit.Week => (d + 6) / 7,
            { } d when unit == IntervalUnit.Month => (d + 29) / 30,
            { } d => d,
        };
    }

    [GeneratedRegex(@"^(?<n>\d+)\s*(?<unit>d|days?|w|weeks?)?$", RegexOptions.IgnoreCase)]
    private static partial Regex HistoryLengthPattern();

    // A dataset (orders), or a sink's table (main.orders), then the metric or *.
    [GeneratedRegex(@"^([A-Za-z][A-Za-z0-9_-]*\.([A-Za-z_][A-Za-z0-9_-]*\.)?)?([A-Za-z][A-Za-z0-9_]*|\*)$")]
    private static partial Regex MetricSelectorPattern();
}
