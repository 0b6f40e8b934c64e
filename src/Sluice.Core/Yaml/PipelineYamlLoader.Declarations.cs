using Sluice.Connectors;
using Sluice.Model;
using YamlDotNet.RepresentationModel;

namespace Sluice.Yaml;

/// <summary>The pipeline's declarations beside its tasks: dataset schemas and the shared artifact store.</summary>
public static partial class PipelineYamlLoader
{
    private static IEnumerable<DatasetDefinition> ReadDatasets(YamlMappingNode datasets, YamlNodes nodes)
    {
        foreach (var (name, nameNode, body) in nodes.Entries(datasets, "datasets", []))
        {
            var columns = new List<ColumnDefinition>();
            var checks = new List<CheckDefinition>();
            var metrics = new List<MetricDefinition>();
            if (nodes.Mapping(body, $"dataset '{name}'") is { } mapping)
            {
                foreach (var (key, _, value) in nodes.Entries(mapping, $"dataset '{name}'", ["columns", "checks", "metrics"]))
                {
                    switch (key)
                    {
                        case "checks": checks.AddRange(ReadChecks(value, nodes, $"dataset '{name}'")); break;
                        case "metrics": metrics.AddRange(ReadMetrics(value, nodes, $"dataset '{name}'")); break;
                        default:
                            if (nodes.Mapping(value, $"columns of dataset '{name}'") is { } columnMap)
                            {
                                columns.AddRange(ReadColumns(columnMap, nodes, name));
                            }

                            break;
                    }
                }
            }

            yield return new DatasetDefinition { Name = name, Columns = columns, Checks = checks, Metrics = metrics, Location = nodes.At(nameNode) };
        }
    }

    private static IEnumerable<ColumnDefinition> ReadColumns(YamlMappingNode columns, YamlNodes nodes, string dataset)
    {
        foreach (var (column, columnNode, value) in nodes.Entries(columns, $"columns of dataset '{dataset}'", []))
        {
            if (value is YamlScalarNode { Value: { } type })
            {
                yield return new ColumnDefinition(column, type.Trim().ToUpperInvariant()) { Location = nodes.At(columnNode) };
            }
            else if (nodes.Mapping(value, $"column '{column}'") is { } detail)
            {
                string? columnType = null;
                var nullable = true;
                double? maxNullFraction = null;
                foreach (var (key, _, v) in nodes.Entries(detail, $"column '{column}'", ["type", "nullable", "max_null_fraction"]))
                {
                    switch (key)
                    {
                        case "type": columnType = nodes.Scalar(v, "type"); break;
                        case "nullable": nullable = OptionParsing.ParseBool(nodes.Scalar(v, "nullable")) ?? true; break;
                        default: maxNullFraction = ReadFraction(v, nodes, column, dataset); break;
                    }
                }

                if (columnType is null)
                {
                    nodes.Error(value, $"column '{column}' of dataset '{dataset}' needs a 'type', for example BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP.");
                    continue;
                }

                yield return new ColumnDefinition(column, columnType.Trim().ToUpperInvariant(), nullable)
                {
                    MaxNullFraction = maxNullFraction,
                    Location = nodes.At(columnNode),
                };
            }
        }
    }

    private static double? ReadFraction(YamlNode value, YamlNodes nodes, string column, string dataset)
    {
        if (nodes.Scalar(value, "max_null_fraction") is not { } text)
        {
            return null;
        }

        if (double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out var fraction)
            && fraction is >= 0 and <= 1)
        {
            return fraction;
        }

        nodes.Error(value, $"max_null_fraction of column '{column}' in dataset '{dataset}' must be a number from 0 to 1 (for example 0.05 for at most 5% NULLs), not '{text}'.");
        return null;
    }

    private static ArtifactStoreDefinition? ReadArtifactStore(YamlNode value, YamlNodes nodes)
    {
        if (nodes.Mapping(value, "artifacts") is not { } mapping)
        {
            return null;
        }

        string? connection = null;
        string? location = null;
        foreach (var (key, _, entry) in nodes.Entries(mapping, "artifacts", ["connection", "location"]))
        {
            switch (key)
            {
                case "connection": connection = nodes.Scalar(entry, "artifacts.connection"); break;
                case "location": location = nodes.Scalar(entry, "artifacts.location"); break;
            }
        }

        if (location is null)
        {
            nodes.Error(value, "artifacts needs a 'location': a folder every worker mounts at the same path (/mnt/shared/sluice-artifacts), or a bucket URL with the 'connection' that reaches it (connection: lake, location: s3://bucket/sluice-artifacts).");
            return null;
        }

        return new ArtifactStoreDefinition(connection, location, nodes.At(value));
    }
}
