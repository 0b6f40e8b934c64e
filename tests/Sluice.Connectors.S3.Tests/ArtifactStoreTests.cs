using System.Security.Cryptography;
using Sluice.Cli;
using Sluice.Connectors.S3.Tests.Infrastructure;
using Sluice.Validation;
using Sluice.Yaml;

namespace Sluice.Connectors.S3.Tests;

/// <summary>
/// <c>artifacts: { connection, location }</c>: every published dataset is also in the bucket, so a run
/// on another machine (here: another project folder holding the same metadata but no local artifacts)
/// resumes from it instead of extracting again.
/// </summary>
public sealed class ArtifactStoreTests : IDisposable
{
    private const string Date = "2024-03-01";
    private readonly S3Server _s3 = new();
    private readonly TestProject _first = new();
    private readonly TestProject _second = new();

    public ArtifactStoreTests()
    {
        _first.Write("connections.yaml", S3Server.ConnectionsYaml());
        _second.Write("connections.yaml", S3Server.ConnectionsYaml());
    }

    private string PipelineYaml(string warehouse) => $$$"""
        name: shared
        artifacts: { connection: store, location: "{{{_s3.Url("runs")}}}" }
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
    public async Task Every_published_dataset_is_in_the_bucket_byte_for_byte_under_pipeline_and_date()
    {
        _first.Write("in/2024-03-01.csv", "id,amount\n1,10\n2,20\n");
        _first.Write("pipeline.yaml", PipelineYaml("wh.duckdb"));

        var result = await _first.RunAsync(Date);

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(["runs/shared/2024-03-01/raw.parquet", "runs/shared/2024-03-01/shaped.parquet"], await _s3.KeysAsync("runs/"));
        foreach (var dataset in new[] { "raw", "shaped" })
        {
            var local = Convert.ToHexStringLower(MD5.HashData(await File.ReadAllBytesAsync(_first.Staged("shared", Date, dataset))));
            Assert.Equal(local, await _s3.GetMd5Async(_s3.Key($"runs/shared/{Date}/{dataset}.parquet")));
        }
    }

    [Fact]
    public async Task A_run_on_another_machine_resumes_from_the_bucket_without_extracting_again()
    {
        // First machine: extract and shape succeed, the load fails on a file that is not a database.
        _first.Write("in/2024-03-01.csv", "id,amount\n1,10\n2,20\n");
        var warehouse = _second.PathOf("wh.duckdb");
        _first.Write("pipeline.yaml", PipelineYaml(warehouse));
        _second.Write("wh.duckdb", "this is not a database");
        var failed = await _first.RunAsync(Date);
        Assert.False(failed.Succeeded);

        // Second machine: the same metadata (a shared store stands in for it), no input files, no local artifacts.
        _second.Write("pipeline.yaml", PipelineYaml(warehouse));
        Directory.CreateDirectory(_second.StateDirectory);
        File.Copy(_first.MetadataFile, _second.MetadataFile);
        File.Delete(warehouse);
        var resumed = await _second.RunAsync(Date, resume: true);

        Assert.True(resumed.Succeeded, resumed.Run.Error);
        Assert.True(resumed.Tasks.Single(t => t.TaskId == "extract").Reused);
        Assert.True(resumed.Tasks.Single(t => t.TaskId == "shape").Reused);
        Assert.False(resumed.Tasks.Single(t => t.TaskId == "load").Reused);
        Assert.Equal("1|20\n2|40", WarehouseRows(warehouse));
        Assert.True(File.Exists(_second.Staged("shared", Date, "shaped")));
        Assert.False(File.Exists(_second.Staged("shared", Date, "raw")));
    }

    [Fact]
    public async Task An_unreachable_store_fails_the_task_naming_the_server_and_publishes_nothing()
    {
        _first.Write("connections.yaml", """
            connections:
              store: { type: s3, endpoint: "http://127.0.0.1:9", access_key_id: k, secret_access_key: "${SLUICE_TEST_S3_SECRET_KEY}" }
            """);
        _first.Write("in/2024-03-01.csv", "id,amount\n1,10\n");
        _first.Write("pipeline.yaml", PipelineYaml("wh.duckdb"));

        var result = await _first.RunAsync(Date);

        Assert.False(result.Succeeded);
        var extract = result.Tasks.Single(t => t.TaskId == "extract");
        Assert.Contains("http://127.0.0.1:9", extract.Error);
        Assert.Contains("cannot reach the server", extract.Error);
        Assert.DoesNotContain(Environment.GetEnvironmentVariable("SLUICE_TEST_S3_SECRET_KEY")!, extract.Error);
        Assert.False(File.Exists(_first.Staged("shared", Date, "raw")));
    }

    [Fact]
    public void A_bad_artifacts_setting_is_reported_with_its_place_and_the_fix()
    {
        _first.Write("pipeline.yaml", """
            name: shared
            artifacts: { connection: stor, location: "s3://bucket/x" }
            tasks:
              extract: { source: files, output: raw, with: { path: "in.csv" } }
            """);
        var errors = PipelineValidator.Validate(PipelineYamlLoader.LoadFile(_first.PathOf("pipeline.yaml")), SluiceHost.Catalog());
        var error = Assert.Single(errors);
        Assert.Equal(2, error.Location.Line);
        Assert.Contains("Did you mean 'store'?", error.Message);

        _first.Write("pipeline.yaml", """
            name: shared
            artifacts: { connection: store, location: "bucket/x" }
            tasks:
              extract: { source: files, output: raw, with: { path: "in.csv" } }
            """);
        errors = PipelineValidator.Validate(PipelineYamlLoader.LoadFile(_first.PathOf("pipeline.yaml")), SluiceHost.Catalog());
        Assert.Contains("is not an s3:// URL", Assert.Single(errors).Message);
    }

    private static string WarehouseRows(string path)
    {
        using var connection = new DuckDB.NET.Data.DuckDBConnection($"DataSource={path}");
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = "SELECT id || '|' || doubled FROM facts ORDER BY id";
        using var reader = command.ExecuteReader();
        var rows = new List<string>();
        while (reader.Read())
        {
            rows.Add(reader.GetString(0));
        }

        return string.Join('\n', rows);
    }

    public void Dispose()
    {
        _first.Dispose();
        _second.Dispose();
        _s3.Dispose();
    }
}
