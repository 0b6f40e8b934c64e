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

        var candidates = folders.SelectMany(f => new[] { Path.Combine(f, pipeline + ".yaml"), Path.Combine(f, pipeline + ".yml") });
        return candidates.FirstOrDefault(File.Exists)
            ?? throw new SluiceException($"no pipeline file '{pipeline}' and no {pipeline}.yaml in {string.Join(", ", folders)}. Give the path to the YAML file.");
    }
}
