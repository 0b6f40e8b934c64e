using System.Runtime.CompilerServices;
using Sluice.Connectors;
using Sluice.Connectors.DuckDb;
using Sluice.Connectors.Files;
using Sluice.Connectors.Parquet;
using Sluice.Engine.DuckDb;
using Sluice.Model;
using Sluice.Validation;
using Sluice.Yaml;

namespace Sluice.Core.Tests.Support;

/// <summary>Loads pipelines from YAML text and validates them against the real built-in connectors.</summary>
internal static class Pipelines
{
    public const string FileName = "pipeline.yaml";

    /// <summary>The connectors the CLI registers. Validation reads their option specs; it never runs them.</summary>
    public static ConnectorCatalog Catalog() =>
        new ConnectorCatalog()
            .Add(new FilesSource())
            .Add(new SqlTransform())
            .Add(new Sluice.Transforms.StepsTransform())
            .Add(new Sluice.Transforms.DimDateTransform())
            .Add(new DuckDbSource())
            .Add(new DuckDbSink())
            .Add(new ParquetLakeSink());

    public static PipelineDefinition Load(string yaml) =>
        PipelineYamlLoader.Load(yaml, FileName, Path.GetTempPath());

    /// <summary>The errors of a file the loader must reject.</summary>
    public static IReadOnlyList<PipelineError> LoadErrors(string yaml) =>
        Assert.Throws<PipelineValidationException>(() => Load(yaml)).Errors;

    /// <summary>Loads a file the loader accepts, then returns every validation error.</summary>
    public static IReadOnlyList<PipelineError> Validate(string yaml) =>
        PipelineValidator.Validate(Load(yaml), Catalog());

    public static TaskDefinition Task(this PipelineDefinition pipeline, string id) =>
        pipeline.FindTask(id) ?? throw new InvalidOperationException($"no task '{id}' in the pipeline");

    /// <summary>A file of this repository, found by walking up from the test binaries to the solution.</summary>
    public static string RepositoryFile(params string[] parts)
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "Sluice.slnx")))
            {
                return Path.Combine([folder.FullName, .. parts]);
            }
        }

        throw new InvalidOperationException("Sluice.slnx not found above " + AppContext.BaseDirectory);
    }

    /// <summary>The line this is called from, to predict locations recorded by caller-info attributes.</summary>
    public static int LineHere([CallerLineNumber] int line = 0) => line;

    public static string FileHere([CallerFilePath] string file = "") => file;
}

internal static class ErrorAssert
{
    /// <summary>Asserts the error points at <paramref name="line"/>:<paramref name="column"/> of the test pipeline file.</summary>
    public static void IsAt(PipelineError error, int line, int column)
    {
        Assert.Equal(Pipelines.FileName, error.Location.File);
        Assert.Equal((line, column), (error.Location.Line, error.Location.Column));
    }

    /// <summary>The one error whose message contains <paramref name="text"/>.</summary>
    public static PipelineError Single(IEnumerable<PipelineError> errors, string text) =>
        Assert.Single(errors, e => e.Message.Contains(text, StringComparison.Ordinal));
}
