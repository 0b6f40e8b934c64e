using Sluice.Cli;
using Sluice.Connectors;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Yaml;

namespace Sluice.Connectors.Postgres.Tests.Infrastructure;

/// <summary>
/// A throwaway project folder (pipeline, connections.yaml, input files, state) that runs pipelines
/// from YAML text with the CLI's catalog, as a user would.
/// </summary>
internal sealed class TestProject : IDisposable
{
    public string Root { get; } = Path.Combine(Path.GetTempPath(), "sluice-pg-tests", Guid.NewGuid().ToString("N"));

    public TestProject() => Directory.CreateDirectory(Root);

    public string StateDirectory => Path.Combine(Root, ".sluice");

    public string MetadataFile => Path.Combine(StateDirectory, "sluice.db");

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Write(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    /// <summary>Loads pipeline.yaml as the CLI does, with connections.yaml and secrets.env beside it.</summary>
    public async Task<RunResult> RunAsync(string date = "2024-03-01", IRunObserver? observer = null, ConnectorCatalog? catalog = null, Incremental.CursorRequest? cursors = null)
    {
        var pipeline = PipelineYamlLoader.LoadFile(PathOf("pipeline.yaml"));
        await using var store = await SqliteMetadataStore.OpenAsync(MetadataFile);
        var runner = SluiceHost.Runner(catalog ?? SluiceHost.Catalog(), store, StateDirectory);
        return await runner.RunAsync(pipeline, new RunRequest { LogicalDate = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), Cursors = cursors ?? Incremental.CursorRequest.Default }, observer);
    }

    public async Task<RunResult> RunOkAsync(string date = "2024-03-01", IRunObserver? observer = null)
    {
        var result = await RunAsync(date, observer);
        Assert.True(result.Succeeded, result.Run.Error);
        return result;
    }

    /// <summary>Runs a pipeline that must fail, and returns the run's error.</summary>
    public async Task<string> RunFailsAsync(string date = "2024-03-01")
    {
        var result = await RunAsync(date);
        Assert.False(result.Succeeded, "the run should have failed");
        return result.Run.Error!;
    }

    /// <summary>The staged Parquet file of a dataset, to check what a source wrote.</summary>
    public string Staged(string pipeline, string date, string dataset) =>
        Path.Combine(StateDirectory, "artifacts", pipeline, date, dataset + ".parquet");

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

/// <summary>Collects a run's log lines, to check what users would see.</summary>
internal sealed class LogLines : IRunObserver
{
    public List<string> All { get; } = [];

    public void Log(string taskId, string message)
    {
        lock (All)
        {
            All.Add($"{taskId}: {message}");
        }
    }
}
