using Sluice.Cli;
using Sluice.Connectors;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Model;
using Sluice.Validation;
using Sluice.Yaml;

namespace Sluice.Transforms.Models.Tests.Infrastructure;

/// <summary>
/// A throwaway project folder: pipeline file, models, input data, the state folder and the warehouse
/// all live under one temporary directory that is deleted afterwards. (Copied from the integration tests.)
/// </summary>
internal sealed class TestProject : IDisposable
{
    public TestProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "sluice-models-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string StateDirectory => Path.Combine(Root, ".sluice");

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Write(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public void Delete(string relative) => File.Delete(PathOf(relative));

    public PipelineDefinition Load(string relative = "pipeline.yaml") =>
        PipelineYamlLoader.Load(File.ReadAllText(PathOf(relative)), relative, Path.GetDirectoryName(PathOf(relative))!);

    /// <summary>Copies the documentation's example pipelines, models and data into this project, keeping their layout.</summary>
    public void CopyDocsExamples()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "docs");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Root, "docs", Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>Every validation error of the pipeline, as the CLI prints them.</summary>
    public IReadOnlyList<string> Validate(string relative = "pipeline.yaml") =>
        PipelineValidator.Validate(Load(relative), SluiceHost.Catalog()).Select(e => e.ToString()).ToList();

    public async Task<RunResult> RunAsync(string relative, string date, ConnectorCatalog? catalog = null, IRunObserver? observer = null)
    {
        await using var store = await SqliteMetadataStore.OpenAsync(Path.Combine(StateDirectory, "sluice.db"));
        var runner = SluiceHost.Runner(catalog ?? SluiceHost.Catalog(), store, StateDirectory);
        return await runner.RunAsync(Load(relative), new RunRequest { LogicalDate = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture) }, observer);
    }

    public Warehouse Warehouse(string relative) => new(PathOf(relative));

    public void Dispose()
    {
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
            // A file still held by a finishing process; the OS temp cleaner takes it later.
        }
    }
}

/// <summary>Collects the run's log lines, to check what each task reported and in which order.</summary>
internal sealed class LogCollector : IRunObserver
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public void Log(string taskId, string message)
    {
        lock (_lines)
        {
            _lines.Add($"[{taskId}] {message}");
        }
    }
}
