using Sluice.Cli;
using Sluice.Connectors;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Model;
using Sluice.Validation;
using Sluice.Yaml;

namespace Sluice.Testing;

/// <summary>
/// A throwaway project folder: pipeline files, input data, the state folder and the warehouse all
/// live under one temporary directory that is deleted afterwards. Runs go through the CLI's catalog,
/// runner and SQLite run history, as `sluice run` does.
/// </summary>
public sealed class TestProject : IDisposable
{
    public TestProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "sluice-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    public string StateDirectory => Path.Combine(Root, ".sluice");

    /// <summary>The SQLite metadata store of the runs (run history, watermarks).</summary>
    public string MetadataFile => Path.Combine(StateDirectory, "sluice.db");

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Write(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Copies a folder of the test output (such as the parity pipeline and inputs) into this project.</summary>
    public void CopyFromOutput(string folder, string into = "")
    {
        var source = Path.Combine(AppContext.BaseDirectory, folder);
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Root, into, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }
    }

    /// <summary>Loads a pipeline file; paths in it resolve against its own folder, as `sluice run` resolves them.</summary>
    public PipelineDefinition Load(string relative = "pipeline.yaml") =>
        PipelineYamlLoader.Load(File.ReadAllText(PathOf(relative)), relative, Path.GetDirectoryName(PathOf(relative))!);

    /// <summary>Every validation error of a pipeline file, as `sluice validate` prints them.</summary>
    public IReadOnlyList<string> Validate(string relative = "pipeline.yaml") =>
        PipelineValidator.Validate(Load(relative), SluiceHost.Catalog()).Select(e => e.ToString()).ToList();

    /// <summary>
    /// Runs pipeline.yaml loaded as `sluice run` loads it, with the connections.yaml and secrets.env beside it,
    /// which the connector tests need; 2024-03-01 is the day most of them run.
    /// </summary>
    public async Task<RunResult> RunAsync(string date = "2024-03-01", IRunObserver? observer = null, ConnectorCatalog? catalog = null, bool resume = false, Incremental.CursorRequest? cursors = null) =>
        await RunAsync(PipelineYamlLoader.LoadFile(PathOf("pipeline.yaml")), date, catalog, resume, observer, cursors);

    /// <summary>Runs pipeline.yaml as <see cref="RunAsync(string, IRunObserver?, ConnectorCatalog?, bool, Incremental.CursorRequest?)"/> and fails the test, with the run's error, unless it succeeded.</summary>
    public async Task<RunResult> RunOkAsync(string date = "2024-03-01", IRunObserver? observer = null)
    {
        var result = await RunAsync(date, observer);
        return result.Succeeded ? result : throw new InvalidOperationException($"the run should have succeeded: {result.Run.Error}");
    }

    /// <summary>Runs pipeline.yaml, which must fail, and returns the run's error.</summary>
    public async Task<string> RunFailsAsync(string date = "2024-03-01")
    {
        var result = await RunAsync(date);
        return result.Succeeded ? throw new InvalidOperationException("the run should have failed") : result.Run.Error!;
    }

    public async Task<RunResult> RunAsync(string relative, string date, ConnectorCatalog? catalog = null, bool resume = false, IRunObserver? observer = null) =>
        await RunAsync(Load(relative), date, catalog, resume, observer);

    public async Task<RunResult> RunAsync(PipelineDefinition pipeline, string date, ConnectorCatalog? catalog = null, bool resume = false, IRunObserver? observer = null, Incremental.CursorRequest? cursors = null)
    {
        await using var store = await SqliteMetadataStore.OpenAsync(MetadataFile);
        var runner = SluiceHost.Runner(catalog ?? SluiceHost.Catalog(), store, StateDirectory);
        var request = new RunRequest { LogicalDate = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), Resume = resume, Cursors = cursors ?? Incremental.CursorRequest.Default };
        return await runner.RunAsync(pipeline, request, observer);
    }

    /// <summary>The staged Parquet file of a dataset written by a run of <paramref name="pipeline"/>.</summary>
    public string Staged(string pipeline, string date, string dataset) =>
        Path.Combine(StateDirectory, "artifacts", pipeline, date, dataset + ".parquet");

    public Warehouse Warehouse(string relative) => new(PathOf(relative));

    /// <summary>The committed watermark of an incremental task, or null when none is stored.</summary>
    public async Task<Incremental.CursorState?> WatermarkAsync(string pipeline, string task)
    {
        await using var store = await SqliteMetadataStore.OpenAsync(MetadataFile);
        return await store.GetCursorAsync(pipeline, task, CancellationToken.None);
    }

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
