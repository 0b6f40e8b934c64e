using System.Globalization;
using Sluice.Incremental;
using Sluice.Model;
using YamlDotNet.RepresentationModel;

namespace Sluice.Yaml;

/// <summary>A source task's <c>incremental:</c> block: cursor column, first bound, lookback and key.</summary>
public static partial class PipelineYamlLoader
{
    private static readonly string[] IncrementalKeys = ["cursor", "initial", "lookback", "primary_key", "parameter"];

    private static IncrementalDefinition? ReadIncremental(YamlNode node, YamlNodes nodes, string id)
    {
        var what = $"'incremental' of task '{id}'";
        if (nodes.Mapping(node, what) is not { } mapping)
        {
            return null;
        }

        string? cursor = null, initial = null, parameter = null;
        TimeSpan? lookback = null;
        decimal? lookbackUnits = null;
        var key = new List<string>();
        foreach (var (name, _, value) in nodes.Entries(mapping, what, IncrementalKeys))
        {
            switch (name)
            {
                case "cursor": cursor = nodes.Scalar(value, name); break;
                case "initial":
                    initial = nodes.Scalar(value, name);
                    if (initial is not null && CursorValue.Parse(initial).Kind == CursorKind.Text)
                    {
                        nodes.Error(value, $"initial must be a date (2024-01-01), a timestamp (2024-01-01T00:00:00Z) or a number, the bound of the first run (got '{initial}').");
                    }

                    break;
                case "lookback":
                    var text = nodes.Scalar(value, name);
                    if (Connectors.OptionParsing.ParseDuration(text) is { } duration)
                    {
                        lookback = duration;
                    }
                    else if (decimal.TryParse(text, NumberStyles.Number, CultureInfo.InvariantCulture, out var units) && units >= 0)
                    {
                        lookbackUnits = units;
                    }
                    else
                    {
                        nodes.Error(value, $"lookback must be a duration such as 30m or 1h (timestamp cursors) or a number (numeric cursors) (got '{text}').");
                    }

                    break;
                case "primary_key": key.AddRange(nodes.Names(value, name)); break;
                case "parameter": parameter = nodes.Scalar(value, name); break;
            }
        }

        if (string.IsNullOrWhiteSpace(cursor))
        {
            nodes.Error(node, $"{what} needs 'cursor': the column whose value grows as rows are added or changed, for example cursor: updated_at.");
            return null;
        }

        return new IncrementalDefinition
        {
            Cursor = cursor,
            Initial = initial,
            Lookback = lookback,
            LookbackUnits = lookbackUnits,
            PrimaryKey = key,
            Parameter = parameter,
            Location = nodes.At(node),
        };
    }
}
