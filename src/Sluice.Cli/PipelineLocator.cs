using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Cli;

/// <summary>Finds a pipeline by file path, or by name in the usual folders.</summary>
internal static class PipelineLocator
{
    /// <summary>Loads and validates; every problem in the file is reported at once.</summary>
    public static PipelineDefinition Load(string pipeline) => PipelineLoader.LoadValid(Find(pipeline), SluiceHost.Catalog());

    public static string Find(string pipeline)
    {
        if (File.Exists(pipeline))
        {
            return pipeline;
        }

        var folders = new List<string> { ".", "pipelines" };
        folders.AddRange((Environment.GetEnvironmentVariable("SLUICE_PIPELINES_PATH") ?? string.Empty).Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        if (Directory.Exists("examples"))
        {
            folders.AddRange(Directory.EnumerateDirectories("examples"));
        }

        var name = Path.GetFileNameWithoutExtension(pipeline) is { Length: > 0 } stem && Path.GetExtension(pipeline) is ".yaml" or ".yml" ? stem : pipeline;
        var candidates = folders.SelectMany(f => new[] { Path.Combine(f, name + ".yaml"), Path.Combine(f, name + ".yml") });
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new SluiceException($"no pipeline file '{pipeline}' and no {name}.yaml in {string.Join(", ", folders)}. Give the path to the YAML file.");
    }
}
