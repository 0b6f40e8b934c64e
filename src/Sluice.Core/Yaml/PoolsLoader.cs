using System.Globalization;
using Sluice.Model;
using Sluice.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Yaml;

/// <summary>
/// Reads the project's task pools from <c>pools.yaml</c> (beside the pipeline, or in the working
/// folder, or at SLUICE_POOLS): <c>pools: { warehouse: 4 }</c>. Pools are shared by every pipeline
/// of the project, so they live beside connections rather than in one pipeline.
/// </summary>
public static class PoolsLoader
{
    public const string FileName = "pools.yaml";

    public static string? FindFile(string pipelineDirectory)
    {
        if (Environment.GetEnvironmentVariable("SLUICE_POOLS") is { Length: > 0 } configured)
        {
            return File.Exists(configured) ? Path.GetFullPath(configured) : throw new SluiceException($"SLUICE_POOLS points to '{configured}', which does not exist.");
        }

        return new[] { Path.Combine(pipelineDirectory, FileName), Path.GetFullPath(FileName) }.FirstOrDefault(File.Exists);
    }

    public static IReadOnlyList<PoolDefinition> Load(string? file) => file is null ? [] : Parse(File.ReadAllText(file), PipelineYamlLoader.DisplayPath(Path.GetFullPath(file)));

    public static IReadOnlyList<PoolDefinition> Parse(string text, string display)
    {
        var errors = new List<PipelineError>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(text));
        }
        catch (YamlException e)
        {
            throw new PipelineValidationException([new PipelineError(new SourceLocation(display, (int)e.Start.Line, (int)e.Start.Column), $"invalid YAML: {e.InnerException?.Message ?? e.Message}")]);
        }

        var nodes = new YamlNodes(display, errors);
        var pools = new List<PoolDefinition>();
        if (stream.Documents.Count > 0 && nodes.Mapping(stream.Documents[0].RootNode, "a pools file") is { } root)
        {
            foreach (var (_, _, value) in nodes.Entries(root, "the pools file", ["pools"]))
            {
                if (nodes.Mapping(value, "pools") is not { } map)
                {
                    continue;
                }

                foreach (var (name, nameNode, size) in nodes.Entries(map, "pools", []))
                {
                    var slots = nodes.Scalar(size, $"pool '{name}'");
                    if (int.TryParse(slots, NumberStyles.Integer, CultureInfo.InvariantCulture, out var count) && count >= 1)
                    {
                        pools.Add(new PoolDefinition(name, count, nodes.At(nameNode)));
                    }
                    else
                    {
                        nodes.Error(size, $"pool '{name}' must be a number of slots of at least 1 (got '{slots}').");
                    }
                }
            }
        }

        if (errors.Count > 0)
        {
            throw new PipelineValidationException(errors);
        }

        return pools;
    }
}
