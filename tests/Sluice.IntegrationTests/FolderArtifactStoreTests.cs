using Sluice.Testing;
using Sluice.Validation;

namespace Sluice.IntegrationTests;

/// <summary>
/// <c>artifacts: { location: folder }</c>: every published dataset is also copied into a folder that all
/// workers mount, so a run whose own state folder holds nothing (another machine) resumes from it.
/// </summary>
public sealed class FolderArtifactStoreTests : IDisposable
{
    private const string Date = "2024-03-01";
    private readonly TestProject _first = new();
    private readonly TestProject _second = new();
    private readonly string _shared = Path.Combine(Path.GetTempPath(), "sluice-shared-artifacts", Guid.NewGuid().ToString("N"));

    private string PipelineYaml(string warehouse) => $$$"""
        name: shared
        artifacts: { location: "{{{_shared}}}" }
        tasks:
          extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
          shape:
            transform: sql
            input: raw
            output: shaped
            with: { sql: "SELECT id, amount * 2 AS doubled FROM raw" }
          load: { sink: duckdb, input: shaped, with: { database: "{{{warehouse}}}", table: facts, mode: replace } }
        """;

    [Fact]
    public async Task Every_published_dataset_is_in_the_folder_byte_for_byte_and_another_machine_resumes_from_it()
    {
        // First machine: extract and shape succeed, the load fails on a file that is not a database.
        _first.Write("in/2024-03-01.csv", "id,amount\n1,10\n2,20\n");
        var warehouse = _second.PathOf("wh.duckdb");
        _first.Write("pipeline.yaml", PipelineYaml(warehouse));
        _second.Write("wh.duckdb", "this is not a database");
        var failed = await _first.RunAsync("pipeline.yaml", Date);
        Assert.False(failed.Succeeded);
        foreach (var dataset in new[] { "raw", "shaped" })
        {
            Assert.Equal(File.ReadAllBytes(_first.Staged("shared", Date, dataset)), File.ReadAllBytes(Path.Combine(_shared, "shared", Date, dataset + ".parquet")));
        }

        Assert.Empty(Directory.GetFiles(_shared, "*.partial", SearchOption.AllDirectories));

        // Second machine: the same metadata (a shared store stands in for it), no input files, no local artifacts.
        _second.Write("pipeline.yaml", PipelineYaml(warehouse));
        Directory.CreateDirectory(_second.StateDirectory);
        File.Copy(_first.MetadataFile, _second.MetadataFile);
        File.Delete(warehouse);
        var resumed = await _second.RunAsync("pipeline.yaml", Date, resume: true);

        Assert.True(resumed.Succeeded, resumed.Run.Error);
        Assert.True(resumed.Tasks.Single(t => t.TaskId == "shape").Reused);
        Assert.False(resumed.Tasks.Single(t => t.TaskId == "load").Reused);
        Assert.Equal(["1|20", "2|40"], _second.Warehouse("wh.duckdb").Query("SELECT id, doubled FROM facts ORDER BY id").Select(r => $"{r[0]}|{r[1]}"));
        Assert.True(File.Exists(_second.Staged("shared", Date, "shaped")));
    }

    [Fact]
    public void A_bucket_url_without_a_connection_is_refused_at_its_place_with_the_fix()
    {
        _first.Write("pipeline.yaml", """
            name: shared
            artifacts: { location: "s3://bucket/x" }
            tasks:
              extract: { source: files, output: raw, with: { path: "in.csv" } }
            """);

        var errors = PipelineValidator.Validate(_first.Load(), Cli.SluiceHost.Catalog());

        var error = Assert.Single(errors);
        Assert.Equal("pipeline.yaml:2:12", error.Location.ToString());
        Assert.Contains("artifacts: location 's3://bucket/x' is a URL, and no connection reaches it. Name the connection", error.Message);
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
        if (Directory.Exists(_shared))
        {
            Directory.Delete(_shared, recursive: true);
        }
    }
}
