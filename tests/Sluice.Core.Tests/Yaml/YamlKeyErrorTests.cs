using Sluice.Core.Tests.Support;

namespace Sluice.Core.Tests.Yaml;

/// <summary>Unknown keys and wrong value types: every error located, every error reported at once.</summary>
public sealed class YamlKeyErrorTests
{
    private const string TopLevelKeys = "anomalies, artifacts, catchup, datasets, defaults, description, end_date, fuse_tasks, interval, max_active_runs, max_parallel_tasks, name, params, schedule, sla, start_date, tasks, timezone";
    private const string TaskKeys =
        "checks, depends_on, description, incremental, input, inputs, max_retry_delay, metrics, on_bad_rows, on_empty, on_new_fields, output, outputs, pool, priority, quarantine_output, retries, retry_backoff, retry_delay, sensor, sink, source, timeout, transform, trigger_rule, with";

    [Fact]
    public void Unknown_top_level_key_is_located_and_suggests_the_near_miss()
    {
        var error = Assert.Single(Pipelines.LoadErrors("""
            name: x
            shedule: "0 2 * * *"
            tasks:
              a:
                source: files
                output: y
                with: { path: a.csv }
            """));

        ErrorAssert.IsAt(error, 2, 1);
        Assert.Equal($"unknown key 'shedule' in the pipeline. Did you mean 'schedule'? Valid: {TopLevelKeys}.", error.Message);
    }

    [Fact]
    public void Unknown_task_key_is_located_and_suggests_the_near_miss()
    {
        var error = Assert.Single(Pipelines.LoadErrors("""
            name: x
            tasks:
              a:
                source: files
                ouput: y
                with: { path: a.csv }
            """));

        ErrorAssert.IsAt(error, 5, 5);
        Assert.Contains("'ouput'", error.Message);
        Assert.Contains("Did you mean 'output'?", error.Message);
        Assert.EndsWith($"Valid: {TaskKeys}.", error.Message);
    }

    [Fact]
    public void Unknown_key_unlike_any_valid_one_gets_no_suggestion()
    {
        var error = Assert.Single(Pipelines.LoadErrors("name: x\ncolour: red\ntasks: {}\n"));

        ErrorAssert.IsAt(error, 2, 1);
        Assert.DoesNotContain("Did you mean", error.Message);
        Assert.Contains($"Valid: {TopLevelKeys}.", error.Message);
    }

    [Fact]
    public void Unknown_key_in_defaults_lists_the_retry_keys()
    {
        var error = Assert.Single(Pipelines.LoadErrors("name: x\ndefaults:\n  retrys: 3\ntasks: {}\n"));

        ErrorAssert.IsAt(error, 3, 3);
        Assert.Contains("Did you mean 'retries'? Valid: max_retry_delay, retries, retry_backoff, retry_delay, timeout.", error.Message);
    }

    [Fact]
    public void Unknown_key_in_a_column_mapping_suggests_nullable()
    {
        var error = Assert.Single(Pipelines.LoadErrors("""
            name: x
            datasets:
              orders:
                columns:
                  id: { type: BIGINT, nulable: false }
            tasks: {}
            """));

        ErrorAssert.IsAt(error, 5, 27);
        Assert.Contains("Did you mean 'nullable'? Valid: max_null_fraction, nullable, type.", error.Message);
    }

    [Fact]
    public void Every_error_of_a_file_is_reported_together()
    {
        var exception = Assert.Throws<Sluice.Validation.PipelineValidationException>(() => Pipelines.Load("""
            name: x
            shedule: "0 2 * * *"
            start_date: 01/03/2024
            defaults:
              retries: many
            tasks:
              a:
                source: files
                ouput: y
                timeout: soon
                on_bad_rows: skip
                with: { path: a.csv }
            """));

        var located = exception.Errors
            .Select(e => (e.Location.Line, e.Location.Column, Key: e.Message.Split(' ', 2)[0]))
            .OrderBy(e => e.Line)
            .ToList();
        Assert.Equal(
            [(2, 1, "unknown"), (3, 13, "start_date"), (5, 12, "retries"), (9, 5, "unknown"), (10, 14, "timeout"), (11, 18, "on_bad_rows")],
            located);
        Assert.All(exception.Errors, e => Assert.Equal(Pipelines.FileName, e.Location.File));
        Assert.StartsWith("6 errors:", exception.Message);
    }

    [Fact]
    public void Retries_that_are_not_a_number_are_an_error_at_the_value()
    {
        var error = Assert.Single(Pipelines.LoadErrors("name: x\ndefaults:\n  retries: many\ntasks: {}\n"));

        ErrorAssert.IsAt(error, 3, 12);
        Assert.Equal("retries must be a whole number of at least 0 (got 'many').", error.Message);
    }

    [Fact]
    public void Negative_retries_are_an_error()
    {
        var error = Assert.Single(Pipelines.LoadErrors("name: x\ndefaults:\n  retries: -1\ntasks: {}\n"));

        Assert.Equal("retries must be a whole number of at least 0 (got '-1').", error.Message);
    }

    [Fact]
    public void A_timeout_that_is_not_a_duration_is_an_error_at_the_value()
    {
        var error = Assert.Single(Pipelines.LoadErrors("""
            name: x
            tasks:
              a:
                source: files
                output: y
                timeout: soon
                with: { path: a.csv }
            """));

        ErrorAssert.IsAt(error, 6, 14);
        Assert.Equal("timeout must be a duration such as 500ms, 30s, 5m or 1h (got 'soon').", error.Message);
    }

    [Fact]
    public void A_start_date_not_in_iso_format_is_an_error_at_the_value()
    {
        var error = Assert.Single(Pipelines.LoadErrors("name: x\nstart_date: 01/03/2024\ntasks: {}\n"));

        ErrorAssert.IsAt(error, 2, 13);
        Assert.Equal("start_date must be a date as YYYY-MM-DD (got '01/03/2024').", error.Message);
    }

    [Fact]
    public void An_unknown_bad_rows_policy_is_an_error_listing_the_policies()
    {
        var error = Assert.Single(Pipelines.LoadErrors("""
            name: x
            tasks:
              a:
                source: files
                output: y
                on_bad_rows: skip
                with: { path: a.csv }
            """));

        ErrorAssert.IsAt(error, 6, 18);
        Assert.Equal("on_bad_rows must be one of: fail, quarantine (got 'skip').", error.Message);
    }

    [Fact]
    public void A_backoff_below_one_is_an_error()
    {
        var error = Assert.Single(Pipelines.LoadErrors("name: x\ndefaults:\n  retry_backoff: 0.5\ntasks: {}\n"));

        ErrorAssert.IsAt(error, 3, 18);
        Assert.StartsWith("retry_backoff must be a number of at least 1", error.Message);
    }

    [Fact]
    public void Zero_parallel_tasks_is_an_error()
    {
        var error = Assert.Single(Pipelines.LoadErrors("name: x\nmax_parallel_tasks: 0\ntasks: {}\n"));

        Assert.Equal("max_parallel_tasks must be a whole number of at least 1 (got '0').", error.Message);
    }

    [Fact]
    public void A_task_needs_exactly_one_connector_kind()
    {
        var errors = Pipelines.LoadErrors("""
            name: x
            tasks:
              none:
                output: y
              both:
                source: files
                sink: duckdb
                output: z
            """);

        Assert.Equal(2, errors.Count);
        ErrorAssert.IsAt(ErrorAssert.Single(errors, "task 'none' must have exactly one of 'source', 'transform', 'sink' or 'sensor'"), 3, 3);
        ErrorAssert.IsAt(ErrorAssert.Single(errors, "task 'both' must have exactly one of 'source', 'transform', 'sink' or 'sensor'"), 5, 3);
    }

    [Fact]
    public void A_pipeline_without_a_name_is_an_error()
    {
        var error = Assert.Single(Pipelines.LoadErrors("tasks: {}\n"));

        Assert.Equal("the pipeline needs a 'name'.", error.Message);
    }

    [Fact]
    public void A_bare_number_is_not_a_duration()
    {
        var error = Assert.Single(Pipelines.LoadErrors("name: x\ndefaults:\n  timeout: 30\ntasks: {}\n"));

        ErrorAssert.IsAt(error, 3, 12);
        Assert.StartsWith("timeout must be a duration", error.Message);
    }

    [Fact]
    public void A_non_scalar_option_key_is_a_located_error()
    {
        var errors = Pipelines.LoadErrors("""
            name: x
            tasks:
              a:
                source: files
                output: y
                with: { path: a.csv, [x]: 1 }
            """);

        ErrorAssert.IsAt(Assert.Single(errors), 6, 26);
    }

    [Fact]
    public void Fuse_tasks_is_a_boolean_and_defaults_to_true()
    {
        var error = Assert.Single(Pipelines.LoadErrors("name: x\nfuse_tasks: sometimes\ntasks: {}\n"));
        Assert.Equal((2, 13), (error.Location.Line, error.Location.Column));
        Assert.Equal("fuse_tasks must be true or false (got 'sometimes').", error.Message);
        Assert.False(Pipelines.Load("name: x\nfuse_tasks: false\ntasks: {}\n").FuseTasks);
        Assert.True(Pipelines.Load("name: x\ntasks: {}\n").FuseTasks);
    }
}
