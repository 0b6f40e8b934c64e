using Sluice.Connectors;
using Sluice.Connectors.Files;
using Sluice.Core.Tests.Support;
using Sluice.Model;
using Sluice.Sensors;
using Sluice.Validation;
using Sluice.Yaml;

namespace Sluice.Core.Tests.Sensors;

/// <summary>Sensor options, pools and priorities are checked before a run, each error at its file:line:col.</summary>
public sealed class SensorValidationTests
{
    private static readonly ConnectorCatalog Catalog = Pipelines.Catalog().Add(new FileSensor()).Add(new PipelineSensor());

    private static IReadOnlyList<PipelineError> Validate(string yaml, Func<PipelineDefinition, PipelineDefinition>? project = null) =>
        PipelineValidator.Validate((project ?? (p => p))(Pipelines.Load(yaml)), Catalog);

    [Fact]
    public void A_poke_interval_that_is_not_a_duration_is_refused_at_its_value()
    {
        var error = Assert.Single(Validate("""
            name: waits
            tasks:
              ready:
                sensor: file
                with: { path: in/done, poke_interval: soon }
            """));

        ErrorAssert.IsAt(error, 5, 43);
        Assert.Equal("task 'ready': option 'poke_interval' must be a duration above zero such as 30s, 5m or 1h (got 'soon').", error.Message);
    }

    [Fact]
    public void A_poke_interval_longer_than_the_timeout_is_refused()
    {
        var error = Assert.Single(Validate("""
            name: waits
            tasks:
              ready:
                sensor: file
                with: { path: in/done, poke_interval: 2h, timeout: 1h }
            """));

        ErrorAssert.IsAt(error, 5, 43);
        Assert.Contains("longer than the sensor's 'timeout'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_misspelt_sensor_mode_and_sensor_name_get_did_you_mean()
    {
        var errors = Validate("""
            name: waits
            tasks:
              ready:
                sensor: fiel
                with: { path: in/done }
              other:
                sensor: file
                with: { path: in/done, mode: reschedul }
            """);

        ErrorAssert.IsAt(ErrorAssert.Single(errors, "unknown sensor connector 'fiel'. Did you mean 'file'?"), 4, 13);
        ErrorAssert.IsAt(ErrorAssert.Single(errors, "option 'mode' must be one of: reschedule, poke (got 'reschedul')"), 8, 34);
    }

    [Fact]
    public void A_sensor_on_an_unknown_pipeline_names_the_project_pipelines_with_did_you_mean()
    {
        var error = Assert.Single(Validate(
            """
            name: report
            tasks:
              orders_done:
                sensor: pipeline
                with: { pipeline: ordres_etl }
            """,
            p => p with { ProjectPipelines = ["orders_etl", "report"] }));

        ErrorAssert.IsAt(error, 5, 23);
        Assert.Equal("task 'orders_done': sensor 'pipeline': unknown pipeline 'ordres_etl'. Did you mean 'orders_etl'? Valid: orders_etl, report. Name a pipeline by its file's name (<name>.yaml).", error.Message);
    }

    [Fact]
    public void The_project_pipelines_are_the_yaml_files_beside_the_pipeline_without_the_settings_files()
    {
        var folder = Directory.CreateTempSubdirectory("sluice-project-");
        try
        {
            File.WriteAllText(Path.Combine(folder.FullName, "orders_etl.yaml"), "name: orders_etl\ntasks: {}\n");
            File.WriteAllText(Path.Combine(folder.FullName, "pools.yaml"), "pools: { warehouse: 2 }\n");
            var path = Path.Combine(folder.FullName, "report.yaml");
            File.WriteAllText(path, "name: report\ntasks:\n  done: { sensor: pipeline, with: { pipeline: orders_etl } }\n");

            var pipeline = PipelineYamlLoader.LoadFile(path);

            Assert.Contains("orders_etl", pipeline.ProjectPipelines!);
            Assert.Contains("report", pipeline.ProjectPipelines!);
            Assert.DoesNotContain("pools", pipeline.ProjectPipelines!);
            Assert.Equal(new PoolDefinition("warehouse", 2, pipeline.Pools[0].Location), Assert.Single(pipeline.Pools));
            Assert.Empty(PipelineValidator.Validate(pipeline, Catalog));
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    [Fact]
    public void An_unknown_pool_is_refused_at_the_task_key_with_did_you_mean()
    {
        var error = Assert.Single(Validate(
            """
            name: loads
            tasks:
              load:
                source: files
                output: orders
                pool: warehous
                with: { path: in/orders.csv }
            """,
            p => p with { Pools = [new PoolDefinition("warehouse", 4, SourceLocation.Code("pools.yaml"))] }));

        ErrorAssert.IsAt(error, 6, 11);
        Assert.StartsWith("task 'load': unknown pool 'warehous'. Did you mean 'warehouse'? Valid: warehouse.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_pool_without_slots_and_a_priority_that_is_not_a_number_are_refused_where_written()
    {
        var pools = Assert.Throws<PipelineValidationException>(() => PoolsLoader.Parse("pools:\n  warehouse: 0\n", "pools.yaml"));
        Assert.Equal("pools.yaml:2:14: pool 'warehouse' must be a number of slots of at least 1 (got '0').", Assert.Single(pools.Errors).ToString());

        var error = Assert.Single(Pipelines.LoadErrors("name: p\ntasks:\n  a: { source: files, output: a, priority: high, with: { path: x } }\n"));
        ErrorAssert.IsAt(error, 3, 44);
        Assert.StartsWith("priority must be a whole number", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_sensor_with_an_output_is_refused()
    {
        var error = Assert.Single(Validate("name: p\ntasks:\n  a: { sensor: file, output: x, with: { path: in/done } }\n"));

        ErrorAssert.IsAt(error, 3, 3);
        Assert.StartsWith("sensor task 'a' waits for a condition and has no inputs or outputs", error.Message, StringComparison.Ordinal);
    }
}
