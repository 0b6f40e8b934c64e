using Sluice.Cli;
using Sluice.Connectors;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Model;
using Sluice.Yaml;

namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>
/// A throwaway project folder: pipeline files, input data, the state folder and the warehouse all
/// live under one temporary directory that is deleted afterwards.
/// </summary>
internal sealed class TestProject : IDisposable
{
    public TestProject()
    {
        Root = Path.Combine(Path.GetTempPath(), "sluice-tests", Guid.NewGuid().ToString("N"));
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

    /// <summary>Copies the sales example (pipeline, SQL and data) into this project.</summary>
    public string CopySalesExample()
    {
        var source = Path.Combine(AppContext.BaseDirectory, "examples", "sales");
        foreach (var file in Directory.EnumerateFiles(source, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(Root, Path.GetRelativePath(source, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target, overwrite: true);
        }

        return PathOf("sales_etl.yaml");
    }

    public PipelineDefinition Load(string relative = "pipeline.yaml") =>
        PipelineYamlLoader.Load(File.ReadAllText(PathOf(relative)), relative, Root);

    public async Task<RunResult> RunAsync(string relative, string date, ConnectorCatalog? catalog = null, bool resume = false, IRunObserver? observer = null) =>
        await RunAsync(Load(relative), date, catalog, resume, observer);

    public async Task<RunResult> RunAsync(PipelineDefinition pipeline, string date, ConnectorCatalog? catalog = null, bool resume = false, IRunObserver? observer = null)
    {
        await using var store = await SqliteMetadataStore.OpenAsync(Path.Combine(StateDirectory, "sluice.db"));
        var runner = SluiceHost.Runner(catalog ?? SluiceHost.Catalog(), store, StateDirectory);
        return await runner.RunAsync(pipeline, new RunRequest { LogicalDate = DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture), Resume = resume }, observer);
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
