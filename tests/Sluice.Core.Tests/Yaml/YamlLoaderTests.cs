using Sluice.Core.Tests.Support;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Core.Tests.Yaml;

public sealed class YamlLoaderTests
{
    private const string RetryPipeline = """
        name: retries_demo
        defaults:
          retries: 2
          retry_delay: 2s
          retry_backoff: 3
          max_retry_delay: 5m
          timeout: 500ms
        tasks:
          inherits:
            source: files
            output: a
            with: { path: a.csv }
          overrides:
            source: files
            output: b
            retries: 5
            retry_delay: 500ms
            timeout: 2s
            with: { path: b.csv }
        """;

    [Fact]
    public void Defaults_set_the_pipeline_retry_settings()
    {
        var pipeline = Pipelines.Load(RetryPipeline);

        Assert.Equal(new RetrySettings(2, TimeSpan.FromSeconds(2), 3.0, TimeSpan.FromMinutes(5)), pipeline.DefaultRetry);
        Assert.Equal(TimeSpan.FromMilliseconds(500), pipeline.DefaultTimeout);
    }

    [Fact]
    public void A_task_without_its_own_retry_keys_inherits_the_defaults()
    {
        var task = Pipelines.Load(RetryPipeline).Task("inherits");

        Assert.Equal(new RetrySettings(2, TimeSpan.FromSeconds(2), 3.0, TimeSpan.FromMinutes(5)), task.Retry);
        Assert.Equal(TimeSpan.FromMilliseconds(500), task.Timeout);
    }

    [Fact]
    public void A_task_overrides_only_the_retry_keys_it_sets()
    {
        var task = Pipelines.Load(RetryPipeline).Task("overrides");

        Assert.Equal(new RetrySettings(5, TimeSpan.FromMilliseconds(500), 3.0, TimeSpan.FromMinutes(5)), task.Retry);
        Assert.Equal(TimeSpan.FromSeconds(2), task.Timeout);
    }

    [Fact]
    public void Without_defaults_tasks_get_the_built_in_retry_settings_and_no_timeout()
    {
        var pipeline = Pipelines.Load("""
            name: plain
            tasks:
              a: { source: files, output: a, with: { path: a.csv } }
            """);

        var expected = new RetrySettings(0, TimeSpan.FromSeconds(5), 2.0, TimeSpan.FromMinutes(5));
        Assert.Equal(expected, pipeline.DefaultRetry);
        Assert.Equal(expected, pipeline.Task("a").Retry);
        Assert.Null(pipeline.DefaultTimeout);
        Assert.Null(pipeline.Task("a").Timeout);
    }

    [Theory]
    [InlineData("2s", 2_000)]
    [InlineData("5m", 300_000)]
    [InlineData("500ms", 500)]
    [InlineData("1h", 3_600_000)]
    [InlineData("1.5s", 1_500)]
    [InlineData("00:01:30", 90_000)]
    public void Durations_accept_unit_suffixes_and_clock_format(string text, int milliseconds)
    {
        var pipeline = Pipelines.Load($"""
            name: durations
            defaults:
              timeout: {text}
              retry_delay: {text}
            tasks: {"{}"}
            """);

        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), pipeline.DefaultTimeout);
        Assert.Equal(TimeSpan.FromMilliseconds(milliseconds), pipeline.DefaultRetry.Delay);
    }

    [Fact]
    public void Params_are_kept_as_text()
    {
        var pipeline = Pipelines.Load("""
            name: with_params
            params:
              outlier_factor: 5
              region: emea
              cutoff: "2024-01-01"
            tasks: {}
            """);

        var expected = new Dictionary<string, string> { ["outlier_factor"] = "5", ["region"] = "emea", ["cutoff"] = "2024-01-01" };
        Assert.Equal(expected, pipeline.Parameters);
    }

    [Fact]
    public void Dataset_columns_accept_a_type_or_a_type_and_nullable_mapping()
    {
        var pipeline = Pipelines.Load("""
            name: schemas
            datasets:
              orders:
                columns:
                  order_id: bigint
                  amount: { type: "decimal(12,2)", nullable: false }
                  note:
                    type: varchar
                    nullable: true
                  region: { type: Varchar }
            tasks: {}
            """);

        var orders = Assert.Single(pipeline.Datasets);
        Assert.Equal("orders", orders.Name);
        Assert.Equal((3, 3), (orders.Location.Line, orders.Location.Column));
        ColumnDefinition[] expected =
        [
            new("order_id", "BIGINT", Nullable: true),
            new("amount", "DECIMAL(12,2)", Nullable: false),
            new("note", "VARCHAR", Nullable: true),
            new("region", "VARCHAR", Nullable: true),
        ];
        Assert.Equal(expected, orders.Columns);
    }

    [Fact]
    public void A_column_mapping_without_a_type_is_an_error()
    {
        var errors = Pipelines.LoadErrors("""
            name: schemas
            datasets:
              orders:
                columns:
                  amount: { nullable: false }
            tasks: {}
            """);

        var error = Assert.Single(errors);
        ErrorAssert.IsAt(error, 5, 15);
        Assert.Contains("column 'amount' of dataset 'orders' needs a 'type'", error.Message);
    }

    [Theory]
    [InlineData("daily", IntervalUnit.Day)]
    [InlineData("day", IntervalUnit.Day)]
    [InlineData("weekly", IntervalUnit.Week)]
    [InlineData("week", IntervalUnit.Week)]
    [InlineData("monthly", IntervalUnit.Month)]
    [InlineData("month", IntervalUnit.Month)]
    public void Interval_names_map_to_units(string name, IntervalUnit expected)
    {
        var pipeline = Pipelines.Load($"name: x\ninterval: {name}\ntasks: {{}}\n");

        Assert.Equal(expected, pipeline.Interval);
    }

    [Fact]
    public void Interval_defaults_to_daily()
    {
        Assert.Equal(IntervalUnit.Day, Pipelines.Load("name: x\ntasks: {}\n").Interval);
    }

    [Fact]
    public void An_unknown_interval_is_an_error_listing_the_choices()
    {
        var error = Assert.Single(Pipelines.LoadErrors("name: x\ninterval: hourly\ntasks: {}\n"));

        ErrorAssert.IsAt(error, 2, 11);
        Assert.Equal("interval must be one of: daily, weekly, monthly (got 'hourly').", error.Message);
    }

    [Fact]
    public void Task_fields_are_read_with_the_location_of_the_task_id()
    {
        var pipeline = Pipelines.Load("""
            name: fields
            tasks:
              extract:
                source: files
                output: raw
                with: { path: raw.csv }
              combine:
                transform: sql
                inputs: [raw, other]
                outputs: [combined]
                depends_on: extract
                with: { sql: SELECT 1 }
            """);

        var combine = pipeline.Task("combine");
        Assert.Equal(TaskKind.Transform, combine.Kind);
        Assert.Equal("sql", combine.Connector);
        Assert.Equal(["raw", "other"], combine.Inputs);
        Assert.Equal(["combined"], combine.Outputs);
        Assert.Equal(["extract"], combine.DependsOn);
        Assert.Equal(new SourceLocation(Pipelines.FileName, 7, 3), combine.Location);
        Assert.Equal(new SourceLocation(Pipelines.FileName, 3, 3), pipeline.Task("extract").Location);
    }

    [Fact]
    public void Options_keep_lists_maps_nulls_and_their_locations()
    {
        var pipeline = Pipelines.Load("""
            name: options
            tasks:
              extract:
                source: files
                output: raw
                with:
                  path: [a.csv, b.csv]
                  columns: { id: BIGINT }
                  header: true
                  null_values: ~
            """);

        var options = pipeline.Task("extract").Options;
        var path = Assert.IsType<ListOption>(options.Find("path"));
        Assert.Equal(["a.csv", "b.csv"], path.Items.Select(i => ((ScalarOption)i).Value));
        Assert.Equal((7, 13), (path.Location.Line, path.Location.Column));
        var columns = Assert.IsType<MapOption>(options.Find("columns"));
        Assert.Equal("BIGINT", Assert.IsType<ScalarOption>(columns.Find("id")).Value);
        var header = Assert.IsType<ScalarOption>(options.Find("header"));
        Assert.Equal("true", header.Value);
        Assert.Equal((9, 15), (header.Location.Line, header.Location.Column));
        Assert.Null(Assert.IsType<ScalarOption>(options.Find("null_values")).Value);
    }

    [Fact]
    public void A_quoted_null_option_stays_text()
    {
        var pipeline = Pipelines.Load("""
            name: options
            tasks:
              extract: { source: files, output: raw, with: { path: a.csv, delimiter: "null" } }
            """);

        Assert.Equal("null", Assert.IsType<ScalarOption>(pipeline.Task("extract").Options.Find("delimiter")).Value);
    }

    [Fact]
    public void Defaults_apply_to_tasks_whatever_the_key_order()
    {
        var pipeline = Pipelines.Load("""
            name: order_matters
            tasks:
              a: { source: files, output: a, with: { path: a.csv } }
            defaults:
              retries: 3
              timeout: 5m
            """);

        Assert.Equal(3, pipeline.DefaultRetry.Retries);
        Assert.Equal(3, pipeline.Task("a").Retry?.Retries);
        Assert.Equal(TimeSpan.FromMinutes(5), pipeline.Task("a").Timeout ?? pipeline.DefaultTimeout);
    }
}
