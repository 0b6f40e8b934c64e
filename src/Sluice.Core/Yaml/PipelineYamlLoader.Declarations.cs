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
            if (nodes.Mapping(body, $"dataset '{name}'") is { } mapping)
            {
                foreach (var (_, _, value) in nodes.Entries(mapping, $"dataset '{name}'", ["columns"]))
                {
                    if (nodes.Mapping(value, $"columns of dataset '{name}'") is { } columnMap)
                    {
                        columns.AddRange(ReadColumns(columnMap, nodes, name));
                    }
                }
            }

            yield return new DatasetDefinition { Name = name, Columns = columns, Location = nodes.At(nameNode) };
        }
    }

    private static IEnumerable<ColumnDefinition> ReadColumns(YamlMappingNode columns, YamlNodes nodes, string dataset)
    {
        foreach (var (column, _, value) in nodes.Entries(columns, $"columns of dataset '{dataset}'", []))
        {
            if (value is YamlScalarNode { Value: { } type })
            {
                yield return new ColumnDefinition(column, type.Trim().ToUpperInvariant());
            }
            else if (nodes.Mapping(value, $"column '{column}'") is { } detail)
            {
                string? columnType = null;
                var nullable = true;
                foreach (var (key, _, v) in nodes.Entries(detail, $"column '{column}'", ["type", "nullable"]))
                {
                    if (key == "type")
                    {
                        columnType = nodes.Scalar(v, "type");
                    }
                    else
                    {
                        nullable = OptionParsing.ParseBool(nodes.Scalar(v, "nullable")) ?? true;
                    }
                }

                if (columnType is null)
                {
                    nodes.Error(value, $"column '{column}' of dataset '{dataset}' needs a 'type', for example BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP.");
                    continue;
                }

                yield return new ColumnDefinition(column, columnType.Trim().ToUpperInvariant(), nullable);
            }
        }
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

        if (connection is null || location is null)
        {
            nodes.Error(value, "artifacts needs a 'connection' (for example an s3 connection) and a 'location' (for example s3://bucket/sluice-artifacts).");
            return null;
        }

        return new ArtifactStoreDefinition(connection, location, nodes.At(value));
    }
}
