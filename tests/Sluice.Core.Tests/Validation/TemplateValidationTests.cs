using Sluice.Core.Tests.Support;

namespace Sluice.Core.Tests.Validation;

/// <summary>Template variables in options are checked before the run, at the option that uses them.</summary>
public sealed class TemplateValidationTests
{
    [Fact]
    public void An_unknown_template_variable_is_reported_at_the_option_with_a_suggestion()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a:
                source: files
                output: y
                with:
                  path: data/orders_{{ dss }}.csv
            """));

        ErrorAssert.IsAt(error, 7, 13);
        Assert.Equal(
            "task 'a': unknown template variable 'dss'. Did you mean 'ds'? Valid: data_interval_end, data_interval_start, ds, ds_nodash, logical_date, run_id.",
            error.Message);
    }

    [Fact]
    public void Declared_params_can_be_referenced()
    {
        Assert.Empty(Pipelines.Validate("""
            name: x
            params:
              region: emea
            tasks:
              a: { source: files, output: y, with: { path: "data/{{ params.region }}/{{ ds_nodash }}.csv" } }
            """));
    }

    [Fact]
    public void A_misspelt_param_suggests_the_declared_one()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            params:
              region: emea
            tasks:
              a: { source: files, output: y, with: { path: "data/{{ params.regoin }}.csv" } }
            """));

        Assert.StartsWith("task 'a': unknown template variable 'params.regoin'. Did you mean 'params.region'?", error.Message);
        Assert.Contains("params.region", error.Message.Split("Valid:")[1]);
    }

    [Fact]
    public void A_param_reference_without_any_params_is_an_error()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: "data/{{ params.region }}.csv" } }
            """));

        Assert.StartsWith("task 'a': unknown template variable 'params.region'.", error.Message);
    }

    [Fact]
    public void Templates_in_sql_are_checked_too()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: a.csv } }
              t:
                transform: sql
                input: y
                output: t
                with:
                  sql: SELECT * FROM y WHERE day = {{ logical_day }}
            """));

        ErrorAssert.IsAt(error, 9, 12);
        Assert.StartsWith("task 't': unknown template variable 'logical_day'. Did you mean 'logical_date'?", error.Message);
    }

    [Fact]
    public void Templates_inside_list_items_are_located_at_the_item()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a:
                source: files
                output: y
                with:
                  path:
                    - data/a_{{ ds }}.csv
                    - data/b_{{ day }}.csv
            """));

        ErrorAssert.IsAt(error, 9, 11);
        Assert.Contains("'day'", error.Message);
    }

    [Fact]
    public void Every_built_in_variable_is_accepted()
    {
        Assert.Empty(Pipelines.Validate("""
            name: x
            tasks:
              a:
                source: files
                output: y
                with:
                  path: "{{ ds }}/{{ ds_nodash }}/{{ logical_date }}/{{ data_interval_start }}/{{ data_interval_end }}/{{ run_id }}.csv"
            """));
    }

    [Fact]
    public void Environment_references_are_left_for_the_run()
    {
        Assert.Empty(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: "${DATA_DIR}/${FILE:-orders}.csv" } }
            """));
    }

    [Fact]
    public void An_unknown_date_format_is_reported_at_the_option_before_the_run()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a:
                source: files
                output: y
                with:
                  path: "raw/{{ ds | date('%Y/%q') }}/events.json"
            """));

        ErrorAssert.IsAt(error, 7, 13);
        Assert.Contains("task 'a': unknown date format directive '%q'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_date_filter_with_a_known_format_is_valid()
    {
        Assert.Empty(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: "raw/{{ ds | date('%Y/%m/%d') }}/events.json" } }
            """));
    }
}

