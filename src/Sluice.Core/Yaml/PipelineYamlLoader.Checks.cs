using System.Globalization;
using Sluice.Connectors;
using Sluice.Model;
using Sluice.Validation;
using YamlDotNet.RepresentationModel;

namespace Sluice.Yaml;

/// <summary>The <c>checks:</c> and <c>metrics:</c> of a dataset, or of a sink task's target table.</summary>
public static partial class PipelineYamlLoader
{
    private static readonly string[] CommonCheckKeys = ["severity", "name"];

    /// <summary>The options each check type accepts inside its own mapping.</summary>
    private static readonly Dictionary<string, string[]> CheckOptions = new(StringComparer.Ordinal)
    {
        ["row_count"] = ["min", "max", "min_ratio_of_median", "max_ratio_of_median", "history"],
        ["not_null"] = ["columns"],
        ["unique"] = ["columns"],
        ["accepted_values"] = ["column", "values"],
        ["range"] = ["column", "min", "max"],
        ["freshness"] = ["column", "max_age"],
        ["relationships"] = ["column", "to", "field"],
        ["reconcile"] = ["with", "sum", "tolerance"],
        ["sql"] = ["query"],
    };

    private static List<CheckDefinition> ReadChecks(YamlNode value, YamlNodes nodes, string owner)
    {
        var checks = new List<CheckDefinition>();
        if (value is not YamlSequenceNode list)
        {
            nodes.Error(value, $"checks of {owner} must be a list, e.g. '- not_null: [order_id]'.");
            return checks;
        }

        foreach (var item in list)
        {
            if (nodes.Mapping(item, $"each check of {owner}") is not { } mapping)
            {
                continue;
            }

            var typeKeys = mapping.Children.Where(c => !CommonCheckKeys.Contains((c.Key as YamlScalarNode)?.Value)).ToList();
            if (typeKeys.Count != 1)
            {
                nodes.Error(item, $"each check of {owner} has one check type ({string.Join(", ", CheckDefinition.Types)}) plus optional 'severity' and 'name'; found {typeKeys.Count}.");
                continue;
            }

            var (typeNode, options) = (typeKeys[0].Key, typeKeys[0].Value);
            var type = (typeNode as YamlScalarNode)?.Value ?? string.Empty;
            if (!CheckOptions.ContainsKey(type))
            {
                nodes.Error(typeNode, Suggestions.UnknownName("check type", type, CheckDefinition.Types, $"in {owner}"));
                continue;
            }

            if (ReadCheck(type, options, nodes, owner) is not { } check)
            {
                continue;
            }

            check = check with { Location = nodes.At(typeNode) };
            foreach (var (key, _, v) in nodes.Entries(mapping, $"check '{type}'", [.. CommonCheckKeys, type]))
            {
                switch (key)
                {
                    case "name": check = check with { Name = nodes.Scalar(v, "name") ?? check.Name }; break;
                    case "severity":
                        var severity = nodes.Scalar(v, "severity");
                        if (severity is "warn" or "warning" or "error")
                        {
                            check = check with { Severity = severity == "error" ? CheckSeverity.Error : CheckSeverity.Warn };
                        }
                        else
                        {
                            nodes.Error(v, $"severity of check '{type}' must be warn or error (got '{severity}').");
                        }

                        break;
                }
            }

            checks.Add(check);
        }

        return checks;
    }

    private static CheckDefinition? ReadCheck(string type, YamlNode options, YamlNodes nodes, string owner)
    {
        var what = $"check '{type}' of {owner}";
        var locations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var check = new CheckDefinition { Type = type, Name = type, OptionLocations = locations };

        // Short forms: '- not_null: [a, b]', '- unique: id', '- sql: "SELECT ..."'.
        if (options is not YamlMappingNode mapping)
        {
            switch (type)
            {
                case "not_null" or "unique":
                    locations["columns"] = nodes.At(options);
                    check = check with { Columns = nodes.Names(options, what) };
                    break;
                case "sql":
                    locations["query"] = nodes.At(options);
                    check = check with { Sql = nodes.Scalar(options, what) };
                    break;
                case "row_count" when options is YamlScalarNode { Value: null or "" }:
                    break;
                default:
                    nodes.Error(options, $"{what} takes a mapping of options: {string.Join(", ", CheckOptions[type])}.");
                    return null;
            }

            return Complete(check, options, nodes, what);
        }

        foreach (var (key, keyNode, value) in nodes.Entries(mapping, what, CheckOptions[type]))
        {
            locations[key] = nodes.At(value);
            check = key switch
            {
                "columns" => check with { Columns = nodes.Names(value, $"{what}: columns") },
                "column" => check with { Columns = nodes.Scalar(value, $"{what}: column") is { } c ? [c] : [] },
                "values" => check with { Values = ReadValues(value, nodes, what) },
                "min" => check with { Min = nodes.Scalar(value, $"{what}: min") },
                "max" => check with { Max = nodes.Scalar(value, $"{what}: max") },
                "min_ratio_of_median" => check with { MinRatioOfMedian = ReadNumber(value, nodes, $"{what}: min_ratio_of_median") },
                "max_ratio_of_median" => check with { MaxRatioOfMedian = ReadNumber(value, nodes, $"{what}: max_ratio_of_median") },
                "history" => check with { History = ReadInt(value, nodes, $"{what}: history", 1) ?? check.History },
                "max_age" => check with { MaxAge = ReadDuration(value, nodes, $"{what}: max_age") },
                "to" or "with" => check with { OtherDataset = nodes.Scalar(value, $"{what}: {key}") },
                "field" => check with { OtherColumn = nodes.Scalar(value, $"{what}: field") },
                "sum" => check with { SumColumn = nodes.Scalar(value, $"{what}: sum") },
                "tolerance" => check with { Tolerance = ReadNumber(value, nodes, $"{what}: tolerance") ?? 0 },
                "query" => check with { Sql = nodes.Scalar(value, $"{what}: query") },
                _ => check,
            };
            _ = keyNode;
        }

        return Complete(check, mapping, nodes, what);
    }

    /// <summary>Required options, number formats and the default name, e.g. <c>unique(order_id)</c>.</summary>
    private static CheckDefinition? Complete(CheckDefinition check, YamlNode node, YamlNodes nodes, string what)
    {
        string[] needed = check.Type switch
        {
            "not_null" or "unique" => check.Columns.Count == 0 ? ["columns"] : [],
            "accepted_values" => [.. check.Columns.Count == 0 ? new[] { "column" } : [], .. check.Values.Count == 0 ? new[] { "values" } : []],
            "range" => [.. check.Columns.Count == 0 ? new[] { "column" } : [], .. check.Min is null && check.Max is null ? new[] { "min or max" } : []],
            "freshness" => [.. check.Columns.Count == 0 ? new[] { "column" } : [], .. check.MaxAge is null ? new[] { "max_age" } : []],
            "relationships" => [.. check.Columns.Count == 0 ? new[] { "column" } : [], .. check.OtherDataset is null ? new[] { "to" } : []],
            "reconcile" => check.OtherDataset is null ? ["with"] : [],
            "sql" => string.IsNullOrWhiteSpace(check.Sql) ? ["query"] : [],
            _ => [],
        };
        if (needed.Length > 0)
        {
            nodes.Error(node, $"{what} needs {string.Join(" and ", needed.Select(n => $"'{n}'"))}.");
            return null;
        }

        if (check.Type == "row_count")
        {
            foreach (var (bound, text) in new[] { ("min", check.Min), ("max", check.Max) })
            {
                if (text is not null && !long.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out _))
                {
                    nodes.Error(node, $"{what}: {bound} must be a whole number of rows (got '{text}').");
                }
            }
        }

        return check with { Name = CheckDefinition.DefaultName(check) };
    }

    private static List<string> ReadValues(YamlNode value, YamlNodes nodes, string what)
    {
        if (value is YamlSequenceNode sequence)
        {
            return sequence.Select(v => nodes.Scalar(v, $"{what}: each value") ?? string.Empty).ToList();
        }

        nodes.Error(value, $"{what}: values must be a list, e.g. [a, b, c].");
        return [];
    }

    private static double? ReadNumber(YamlNode value, YamlNodes nodes, string what)
    {
        var text = nodes.Scalar(value, what);
        if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && number >= 0)
        {
            return number;
        }

        nodes.Error(value, $"{what} must be a number of at least 0 (got '{text}').");
        return null;
    }

    private static List<MetricDefinition> ReadMetrics(YamlNode value, YamlNodes nodes, string owner)
    {
        var metrics = new List<MetricDefinition>();
        if (nodes.Mapping(value, $"metrics of {owner}") is not { } mapping)
        {
            return metrics;
        }

        foreach (var (name, nameNode, expression) in nodes.Entries(mapping, $"metrics of {owner}", []))
        {
            if (name == "rows")
            {
                nodes.Error(nameNode, $"metric 'rows' of {owner} is recorded automatically; give this metric another name.");
            }
            else if (nodes.Scalar(expression, $"metric '{name}'") is { Length: > 0 } sql)
            {
                metrics.Add(new MetricDefinition(name, sql) { Location = nodes.At(expression) });
            }
        }

        return metrics;
    }
}
