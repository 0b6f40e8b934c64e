using System.Globalization;
using Sluice.Cli;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Yaml;

namespace Sluice.Connectors.S3.Tests.Infrastructure;

/// <summary>
/// A throwaway project folder (pipeline, connections.yaml, inputs, state) run through the real
/// PipelineRunner, SqliteMetadataStore and the CLI's connector catalog.
/// </summary>
internal sealed class TestProject : IDisposable
{
    public TestProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "sluice-s3-tests", Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(Root);
        Write("connections.yaml", S3Server.ConnectionsYaml());
    }

    public string Root { get; }

    public string StateDirectory => Path.Combine(Root, ".sluice");

    public string DatabasePath => Path.Combine(StateDirectory, "sluice.db");

    public string PathOf(string relative) => Path.Combine(Root, relative);

    public string Write(string relative, string content)
    {
        var path = PathOf(relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string StagedPath(string pipeline, string date, string dataset) =>
        Path.Combine(StateDirectory, "artifacts", pipeline, date, dataset + ".parquet");

    /// <summary>Runs pipeline.yaml (with this folder's connections.yaml and secrets.env) for one date.</summary>
    public async Task<RunResult> RunAsync(string date, LogLines? log = null, bool resume = false)
    {
        var pipeline = PipelineYamlLoader.LoadFile(PathOf("pipeline.yaml"));
        await using var store = await SqliteMetadataStore.OpenAsync(DatabasePath);
        var runner = SluiceHost.Runner(SluiceHost.Catalog(), store, StateDirectory);
        return await runner.RunAsync(pipeline, new RunRequest { LogicalDate = DateOnly.Parse(date, CultureInfo.InvariantCulture), Resume = resume }, log);
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

/// <summary>Collects the run's log lines, as the CLI would print them.</summary>
internal sealed class LogLines : IRunObserver
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> All
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToList();
            }
        }
    }

    public void Log(string taskId, string message)
    {
        lock (_lines)
        {
            _lines.Add(message);
        }
    }
}
