using Sluice.Core.Tests.Support;

namespace Sluice.Core.Tests.Validation;

/// <summary>The task graph: datasets connect tasks, each dataset has one writer, and there are no cycles.</summary>
public sealed class DependencyValidationTests
{
    [Fact]
    public void Two_tasks_reading_each_other_form_a_cycle_reported_with_its_path()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: cyclic
            tasks:
              a:
                transform: sql
                input: from_b
                output: from_a
                with: { sql: SELECT * FROM from_b }
              b:
                transform: sql
                input: from_a
                output: from_b
                with: { sql: SELECT * FROM from_a }
            """));

        ErrorAssert.IsAt(error, 3, 3);
        Assert.StartsWith("the tasks form a cycle: a -> b -> a.", error.Message);
    }

    [Fact]
    public void A_three_task_cycle_is_reported_in_data_flow_order()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: cyclic
            tasks:
              a: { transform: sql, input: from_c, output: from_a, with: { sql: SELECT 1 } }
              b: { transform: sql, input: from_a, output: from_b, with: { sql: SELECT 1 } }
              c: { transform: sql, input: from_b, output: from_c, with: { sql: SELECT 1 } }
            """));

        ErrorAssert.IsAt(error, 3, 3);
        Assert.StartsWith("the tasks form a cycle: a -> b -> c -> a.", error.Message);
    }

    [Fact]
    public void Depends_on_edges_can_form_a_cycle()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: cyclic
            tasks:
              a: { source: files, output: x, depends_on: b, with: { path: x.csv } }
              b: { source: files, output: y, depends_on: a, with: { path: y.csv } }
            """));

        Assert.StartsWith("the tasks form a cycle: a -> b -> a.", error.Message);
    }

    [Fact]
    public void A_task_depending_on_itself_is_a_cycle()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: cyclic
            tasks:
              a: { source: files, output: x, depends_on: a, with: { path: x.csv } }
            """));

        Assert.StartsWith("the tasks form a cycle: a -> a.", error.Message);
    }

    [Fact]
    public void A_diamond_is_not_a_cycle()
    {
        Assert.Empty(Pipelines.Validate("""
            name: diamond
            tasks:
              top: { source: files, output: top, with: { path: top.csv } }
              left: { transform: sql, input: top, output: left, with: { sql: SELECT * FROM top } }
              right: { transform: sql, input: top, output: right, with: { sql: SELECT * FROM top } }
              bottom: { transform: sql, inputs: [left, right], output: bottom, with: { sql: SELECT 1 } }
              load: { sink: duckdb, input: bottom, depends_on: [left, right], with: { database: w.duckdb, table: t } }
            """));
    }

    [Fact]
    public void An_unknown_input_dataset_is_reported_at_the_task_with_a_suggestion()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              extract:
                source: files
                output: raw_orders
                with: { path: a.csv }
              clean:
                transform: sql
                input: raw_order
                output: clean
                with: { sql: SELECT 1 }
            """));

        ErrorAssert.IsAt(error, 9, 12);
        Assert.Equal(
            "task 'clean': unknown input dataset 'raw_order'. Did you mean 'raw_orders'? Valid: clean, raw_orders. An input must be the output of another task.",
            error.Message);
    }

    [Fact]
    public void An_unknown_depends_on_task_is_reported_with_a_suggestion()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              extract: { source: files, output: raw, with: { path: a.csv } }
              other: { source: files, output: other, depends_on: extrct, with: { path: b.csv } }
            """));

        ErrorAssert.IsAt(error, 4, 54);
        Assert.Equal("task 'other': depends_on unknown task 'extrct'. Did you mean 'extract'? Valid: extract, other.", error.Message);
    }

    [Fact]
    public void Two_tasks_writing_one_dataset_is_reported_at_the_second_writer()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              first: { source: files, output: orders, with: { path: a.csv } }
              second: { source: files, output: orders, with: { path: b.csv } }
            """));

        ErrorAssert.IsAt(error, 4, 3);
        Assert.StartsWith("task 'second' writes dataset 'orders', which task 'first' already writes.", error.Message);
    }

    [Fact]
    public void A_quarantine_dataset_counts_as_written_by_its_source()
    {
        var errors = Pipelines.Validate("""
            name: x
            tasks:
              extract: { source: files, output: raw, on_bad_rows: quarantine, with: { path: a.csv } }
              rejects: { sink: duckdb, input: raw_quarantine, with: { database: w.duckdb, table: rejects } }
              other: { source: files, output: raw_quarantine, with: { path: b.csv } }
            """);

        var error = Assert.Single(errors);
        Assert.StartsWith("task 'other' writes dataset 'raw_quarantine', which task 'extract' already writes.", error.Message);
    }

    [Fact]
    public void A_sink_with_two_inputs_is_an_error()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: a, with: { path: a.csv } }
              b: { source: files, output: b, with: { path: b.csv } }
              load:
                sink: duckdb
                inputs: [a, b]
                with: { database: w.duckdb, table: t }
            """));

        ErrorAssert.IsAt(error, 5, 3);
        Assert.Equal("sink task 'load' must have exactly one 'input' dataset and no outputs.", error.Message);
    }

    [Fact]
    public void A_sink_with_an_output_is_an_error()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: a, with: { path: a.csv } }
              load: { sink: duckdb, input: a, output: b, with: { database: w.duckdb, table: t } }
            """));

        Assert.Equal("sink task 'load' must have exactly one 'input' dataset and no outputs.", error.Message);
    }

    [Fact]
    public void A_source_without_an_output_is_an_error()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              extract:
                source: files
                with: { path: a.csv }
            """));

        ErrorAssert.IsAt(error, 3, 3);
        Assert.Equal("source task 'extract' must have exactly one 'output' dataset.", error.Message);
    }

    [Fact]
    public void A_transform_without_an_output_is_an_error()
    {
        var errors = Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: a, with: { path: a.csv } }
              t: { transform: sql, input: a, with: { sql: SELECT * FROM a } }
            """);

        Assert.Equal(2, errors.Count);
        ErrorAssert.Single(errors, "transform task 't' needs an 'output' dataset.");
        ErrorAssert.Single(errors, "transform 'sql' writes exactly one output dataset.");
    }

    [Fact]
    public void A_declared_dataset_that_no_task_writes_is_reported_at_its_declaration()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            datasets:
              orphan:
                columns: { id: BIGINT }
            tasks:
              a: { source: files, output: a, with: { path: a.csv } }
            """));

        ErrorAssert.IsAt(error, 3, 3);
        Assert.StartsWith("dataset 'orphan' is declared but no task writes it.", error.Message);
    }

    [Fact]
    public void Quarantine_is_only_for_sources()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: a, with: { path: a.csv } }
              t: { transform: sql, input: a, output: t, on_bad_rows: quarantine, with: { sql: SELECT 1 } }
            """));

        Assert.Equal("task 't': on_bad_rows: quarantine applies to tasks that find bad rows (sources, and transform 'steps'); transform 'sql' cannot set rows aside.", error.Message);
    }

    [Fact]
    public void Task_ids_and_dataset_names_must_be_identifiers()
    {
        var errors = Pipelines.Validate("""
            name: x
            tasks:
              1st: { source: files, output: ok, with: { path: a.csv } }
              second: { source: files, output: "bad name", with: { path: b.csv } }
            """);

        Assert.Equal(2, errors.Count);
        ErrorAssert.IsAt(ErrorAssert.Single(errors, "task id '1st' must start with a letter"), 3, 3);
        ErrorAssert.IsAt(ErrorAssert.Single(errors, "dataset name 'bad name' must start with a letter"), 4, 3);
    }

    [Fact]
    public void Every_problem_of_a_pipeline_is_reported_together()
    {
        var errors = Pipelines.Validate("""
            name: x
            datasets:
              orphan: { columns: { id: BIGINT } }
            tasks:
              a: { source: file, output: a, with: { path: a.csv } }
              b: { transform: sql, input: nowhere, output: b, with: { sql: SELECT 1 } }
              c: { sink: duckdb, input: b, with: { database: w.duckdb } }
            """);

        Assert.Equal(
            [(3, 3, "dataset 'orphan'"), (5, 16, "task 'a': unknown source connector"), (6, 31, "task 'b': unknown input dataset"), (7, 3, "task 'c': sink 'duckdb' needs option 'table'")],
            errors.Select(e => (e.Location.Line, e.Location.Column, Prefix: PrefixOf(e.Message))).OrderBy(e => e.Line));

        static string PrefixOf(string message) =>
            new[] { "dataset 'orphan'", "task 'a': unknown source connector", "task 'b': unknown input dataset", "task 'c': sink 'duckdb' needs option 'table'" }
                .FirstOrDefault(p => message.StartsWith(p, StringComparison.Ordinal)) ?? message;
    }
}
