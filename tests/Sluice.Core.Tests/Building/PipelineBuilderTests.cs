using Sluice.Building;
using Sluice.Core.Tests.Support;
using Sluice.Model;
using Sluice.Templating;
using Sluice.Validation;

namespace Sluice.Core.Tests.Building;

/// <summary>Code-first pipelines produce the same model as YAML and are validated the same way.</summary>
public sealed class PipelineBuilderTests
{
    private const string OrdersYaml = """
        name: orders
        description: Orders pipeline.
        schedule: "0 2 * * *"
        timezone: Europe/Paris
        interval: weekly
        start_date: 2024-03-04
        max_parallel_tasks: 2
        defaults:
          retries: 2
          retry_delay: 30s
        params:
          region: emea
        datasets:
          raw_orders:
            columns:
              order_id: BIGINT
              amount: { type: DOUBLE, nullable: false }
        tasks:
          extract:
            source: files
            output: raw_orders
            with:
              path: data/{{ params.region }}/orders_{{ ds }}.csv
              header: true
              null_values: [NA, ""]
          clean:
            transform: sql
            input: raw_orders
            output: clean_orders
            retries: 5
            timeout: 10m
            with:
              sql: SELECT * FROM raw_orders WHERE amount > 0
          load:
            sink: duckdb
            input: clean_orders
            with:
              database: warehouse.duckdb
              table: orders
              mode: upsert
              key: [order_id]
        """;

    private static PipelineBuilder OrdersBuilder(string loadMode = "upsert") =>
        PipelineBuilder.Create("orders")
            .Description("Orders pipeline.")
            .Schedule("0 2 * * *", "Europe/Paris")
            .Interval(IntervalUnit.Week)
            .StartDate(new DateOnly(2024, 3, 4))
            .MaxParallelTasks(2)
            .Retries(2, TimeSpan.FromSeconds(30))
            .Parameter("region", "emea")
            .Dataset("raw_orders", d => d.Column("order_id", "BIGINT").Column("amount", "double", nullable: false))
            .Source("extract", "files", t => t
                .Output("raw_orders")
                .With("path", "data/{{ params.region }}/orders_{{ ds }}.csv")
                .With("header", true)
                .With("null_values", new[] { "NA", string.Empty }))
            .Transform("clean", "sql", t => t
                .Input("raw_orders")
                .Output("clean_orders")
                .Retries(5, TimeSpan.FromSeconds(30))
                .Timeout(TimeSpan.FromMinutes(10))
                .With("sql", "SELECT * FROM raw_orders WHERE amount > 0"))
            .Sink("load", "duckdb", t => t
                .Input("clean_orders")
                .With("database", "warehouse.duckdb")
                .With("table", "orders")
                .With("mode", loadMode)
                .With("key", new[] { "order_id" }));

    [Fact]
    public void A_builder_pipeline_describes_exactly_like_the_same_yaml_pipeline()
    {
        var fromYaml = Pipelines.Load(OrdersYaml);
        var fromCode = OrdersBuilder().Build();

        Assert.Equal(PipelineDescriber.Describe(fromYaml), PipelineDescriber.Describe(fromCode));
    }

    [Fact]
    public void A_different_option_value_makes_the_descriptions_differ()
    {
        var fromYaml = Pipelines.Load(OrdersYaml);
        var fromCode = OrdersBuilder(loadMode: "append").Build();

        Assert.NotEqual(PipelineDescriber.Describe(fromYaml), PipelineDescriber.Describe(fromCode));
    }

    [Fact]
    public void Builder_and_yaml_agree_on_what_the_description_leaves_out()
    {
        var fromYaml = Pipelines.Load(OrdersYaml);
        var fromCode = OrdersBuilder().Build();

        Assert.Equal(IntervalUnit.Week, fromYaml.Interval);
        Assert.Equal(fromYaml.Interval, fromCode.Interval);
        Assert.Equal(fromYaml.DefaultRetry, fromCode.DefaultRetry);
        Assert.Equal(fromYaml.Task("clean").Retry, fromCode.Task("clean").Retry);
        Assert.Equal(fromYaml.Datasets[0].Columns, fromCode.Datasets[0].Columns);
    }

    [Fact]
    public void Both_forms_of_the_pipeline_are_valid()
    {
        Assert.Empty(PipelineValidator.Validate(Pipelines.Load(OrdersYaml), Pipelines.Catalog()));
        Assert.Empty(PipelineValidator.Validate(OrdersBuilder().Build(), Pipelines.Catalog()));
    }

    [Fact]
    public void An_invalid_builder_pipeline_reports_every_error_at_the_calling_line()
    {
        var builder = PipelineBuilder.Create("broken");
        var sourceLine = Pipelines.LineHere() + 1;
        builder.Source("extract", "file", t => t.Output("raw"));
        var transformLine = Pipelines.LineHere() + 1;
        builder.Transform("clean", "sql", t => t.Input("raws").Output("clean").With("sql", "SELECT {{ dss }}"));
        var sinkLine = Pipelines.LineHere() + 1;
        builder.Sink("load", "duckdb", t => t.Input("clean").With("database", "w.duckdb"));

        var errors = PipelineValidator.Validate(builder.Build(), Pipelines.Catalog());

        Assert.Equal(4, errors.Count);
        Assert.All(errors, e => Assert.EndsWith("PipelineBuilderTests.cs", e.Location.File));
        Assert.Equal(sourceLine, ErrorAssert.Single(errors, "task 'extract': unknown source connector 'file'. Did you mean 'files'?").Location.Line);
        Assert.Equal(transformLine, ErrorAssert.Single(errors, "task 'clean': unknown input dataset 'raws'. Did you mean 'raw'?").Location.Line);
        Assert.Equal(transformLine, ErrorAssert.Single(errors, "task 'clean': unknown template variable 'dss'").Location.Line);
        Assert.Equal(sinkLine, ErrorAssert.Single(errors, "task 'load': sink 'duckdb' needs option 'table'").Location.Line);
    }

    [Fact]
    public void A_bad_option_is_reported_at_the_line_and_column_of_its_With_call_not_at_the_task()
    {
        var sourceFile = Pipelines.FileHere();
        var pipeline = PipelineBuilder.Create("located")
            .Source("extract", "files", t => t.Output("raw").With("path", "a.csv"))
            .Sink("load", "duckdb", t => t
                .Input("raw")
                .With("database", "w.duckdb")
                .With("table", "t")
                .With("mdoe", "upsert"))
            .Build();
        var optionLine = Pipelines.LineHere() - 2;

        var error = Assert.Single(PipelineValidator.Validate(pipeline, Pipelines.Catalog()));

        Assert.StartsWith("task 'load': unknown option 'mdoe'", error.Message, StringComparison.Ordinal);
        Assert.Contains("Did you mean 'mode'?", error.Message, StringComparison.Ordinal);
        Assert.Equal(new SourceLocation(sourceFile, optionLine, File.ReadAllLines(sourceFile)[optionLine - 1].IndexOf("\"mdoe\"", StringComparison.Ordinal) + 1), error.Location);
    }

    [Fact]
    public void Relative_paths_resolve_against_the_calling_file_folder_not_the_current_directory()
    {
        var folder = Path.GetDirectoryName(Pipelines.FileHere())!;
        var byDefault = PipelineBuilder.Create("here").Build();
        var relative = PipelineBuilder.Create("here").BaseDirectory("data").Build();

        // Tests run in the output folder, so the current directory is elsewhere.
        Assert.NotEqual(folder, Directory.GetCurrentDirectory());
        Assert.Equal(folder, byDefault.BaseDirectory);
        Assert.Equal(Path.Combine(folder, "data"), relative.BaseDirectory);
    }

    [Fact]
    public void EnsureValid_throws_for_an_invalid_builder_pipeline()
    {
        var pipeline = PipelineBuilder.Create("broken")
            .Source("extract", "files", t => t.Output("raw").With("path", "a.csv").With("hedder", true))
            .Build();

        var exception = Assert.Throws<PipelineValidationException>(() => PipelineValidator.EnsureValid(pipeline, Pipelines.Catalog()));

        Assert.Contains("Did you mean 'header'?", Assert.Single(exception.Errors).Message);
    }

    [Fact]
    public void A_default_timeout_describes_the_same_in_yaml_and_code()
    {
        var fromYaml = Pipelines.Load("""
            name: timed
            defaults:
              timeout: 10m
            tasks:
              extract: { source: files, output: raw, with: { path: a.csv } }
            """);
        var fromCode = PipelineBuilder.Create("timed")
            .Timeout(TimeSpan.FromMinutes(10))
            .Source("extract", "files", t => t.Output("raw").With("path", "a.csv"))
            .Build();

        Assert.Equal(PipelineDescriber.Describe(fromYaml), PipelineDescriber.Describe(fromCode));
    }

    [Fact]
    public void A_task_setting_only_retries_keeps_the_pipeline_retry_delay_like_yaml()
    {
        var fromYaml = Pipelines.Load("""
            name: retried
            defaults:
              retries: 2
              retry_delay: 30s
            tasks:
              extract: { source: files, output: raw, retries: 5, with: { path: a.csv } }
            """);
        var fromCode = PipelineBuilder.Create("retried")
            .Retries(2, TimeSpan.FromSeconds(30))
            .Source("extract", "files", t => t.Output("raw").Retries(5).With("path", "a.csv"))
            .Build();

        Assert.Equal(fromYaml.Task("extract").Retry, fromCode.Task("extract").Retry ?? fromCode.DefaultRetry);
    }

    [Fact]
    public void On_empty_set_in_code_is_the_same_as_in_yaml()
    {
        var fromYaml = Pipelines.Load("""
            name: quiet
            tasks:
              extract: { source: files, output: raw, on_empty: ok, with: { path: a.csv } }
            """);
        var fromCode = PipelineBuilder.Create("quiet")
            .Source("extract", "files", t => t.Output("raw").OnEmpty(EmptyPolicy.Ok).With("path", "a.csv"))
            .Build();

        Assert.Equal(EmptyPolicy.Ok, fromCode.Task("extract").OnEmpty);
        Assert.Equal(PipelineDescriber.Describe(fromYaml), PipelineDescriber.Describe(fromCode));
        Assert.Contains("on_empty: ok", PipelineDescriber.Describe(fromCode));
    }

    [Fact]
    public void A_max_null_fraction_set_in_code_is_the_same_as_in_yaml()
    {
        var fromYaml = Pipelines.Load("""
            name: bounded
            datasets:
              raw: { columns: { amount: { type: DOUBLE, max_null_fraction: 0.05 } } }
            tasks:
              extract: { source: files, output: raw, with: { path: a.csv } }
            """);
        var fromCode = PipelineBuilder.Create("bounded")
            .Dataset("raw", d => d.Column("amount", "DOUBLE", maxNullFraction: 0.05))
            .Source("extract", "files", t => t.Output("raw").With("path", "a.csv"))
            .Build();

        Assert.Equal(0.05, fromCode.Datasets[0].Columns[0].MaxNullFraction);
        Assert.Equal(fromYaml.Datasets[0].Columns, fromCode.Datasets[0].Columns);
    }

    [Theory]
    [InlineData(1.5)]
    [InlineData(-0.1)]
    public void A_max_null_fraction_outside_zero_to_one_is_refused_in_code(double fraction)
    {
        var error = Assert.Throws<ArgumentOutOfRangeException>(() =>
            PipelineBuilder.Create("bounded").Dataset("raw", d => d.Column("amount", "DOUBLE", maxNullFraction: fraction)));

        Assert.Contains("max_null_fraction of column 'amount' must be a number from 0 to 1", error.Message);
    }
}
