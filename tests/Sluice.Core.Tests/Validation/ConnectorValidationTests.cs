using Sluice.Core.Tests.Support;

namespace Sluice.Core.Tests.Validation;

/// <summary>Connector names and their options, checked against the real connectors' option specs.</summary>
public sealed class ConnectorValidationTests
{
    private const string FilesOptions =
        "allow_missing, columns, date_format, delimiter, encoding, escape, filename_column, format, header, null_values, path, quote, skip_rows, timestamp_format";

    [Theory]
    [InlineData("source: file\n    output: y", 13, "unknown source connector 'file'. Did you mean 'files'? Valid: duckdb, files.")]
    [InlineData("transform: sqll\n    input: up\n    output: y", 16, "unknown transform connector 'sqll'. Did you mean 'sql'? Valid: dim_date, sql, steps.")]
    [InlineData("sink: duck\n    input: up", 11, "unknown sink connector 'duck'. Did you mean 'duckdb'? Valid: duckdb, parquet.")]
    [InlineData("source: parquet\n    output: y", 13, "unknown source connector 'parquet'. Valid: duckdb, files.")]
    public void An_unknown_connector_lists_the_connectors_of_its_kind(string body, int column, string expected)
    {
        var error = Assert.Single(Pipelines.Validate($"""
            name: x
            tasks:
              up: {"{"} source: files, output: up, with: {"{"} path: a.csv {"}"} {"}"}
              t:
                {body}
            """));

        ErrorAssert.IsAt(error, 5, column);
        Assert.Equal("task 't': " + expected, error.Message);
    }

    [Fact]
    public void An_unknown_option_lists_the_valid_options_on_the_option_line()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a:
                source: files
                output: y
                with:
                  path: a.csv
                  hedder: true
            """));

        Assert.Equal(Pipelines.FileName, error.Location.File);
        Assert.Equal(8, error.Location.Line);
        Assert.Equal($"task 'a': unknown option 'hedder' of source 'files'. Did you mean 'header'? Valid: {FilesOptions}.", error.Message);
    }

    [Fact]
    public void An_unknown_sink_option_lists_that_sink_options()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: a.csv } }
              load: { sink: duckdb, input: y, with: { database: w.duckdb, table: t, tabel_schema: main } }
            """));

        Assert.Equal(4, error.Location.Line);
        Assert.EndsWith("Valid: close_missing, database, effective_date, key, mode, partition_column, partition_value, schema, schema_evolution, surrogate_key, table, tracked, unknown_member.", error.Message);
    }

    [Fact]
    public void An_unknown_option_with_a_block_value_is_reported_at_the_option_name()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a:
                source: files
                output: y
                with:
                  path: a.csv
                  null_value:
                    - NA
            """));

        ErrorAssert.IsAt(error, 8, 7);
    }

    [Fact]
    public void A_boolean_option_rejects_other_words_at_the_value()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a:
                source: files
                output: y
                with:
                  path: a.csv
                  header: maybe
            """));

        ErrorAssert.IsAt(error, 8, 15);
        Assert.Equal("task 'a': option 'header' must be true or false (got 'maybe').", error.Message);
    }

    [Fact]
    public void An_integer_option_rejects_words()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a:
                source: files
                output: y
                with:
                  path: a.csv
                  skip_rows: ten
            """));

        ErrorAssert.IsAt(error, 8, 18);
        Assert.Equal("task 'a': option 'skip_rows' must be a whole number (got 'ten').", error.Message);
    }

    [Fact]
    public void A_choice_option_lists_its_choices()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: a.csv } }
              load:
                sink: duckdb
                input: y
                with:
                  database: w.duckdb
                  table: t
                  mode: merge
            """));

        ErrorAssert.IsAt(error, 10, 13);
        Assert.Equal("task 'load': option 'mode' must be one of: append, replace, upsert, delete_insert, scd1, scd2 (got 'merge').", error.Message);
    }

    [Fact]
    public void A_list_where_one_value_is_expected_is_an_error()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: a.csv } }
              load: { sink: duckdb, input: y, with: { database: w.duckdb, table: [a, b] } }
            """));

        Assert.Equal("task 'load': option 'table' must be a single value, not a list.", error.Message);
    }

    [Fact]
    public void A_map_option_given_one_value_is_an_error()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: a.csv, columns: BIGINT } }
            """));

        Assert.Equal("task 'a': option 'columns' must be a mapping of names to values.", error.Message);
    }

    [Theory]
    [InlineData("header: yes")]
    [InlineData("header: off")]
    [InlineData("header: \"{{ params.has_header }}\"")]
    [InlineData("skip_rows: 2")]
    [InlineData("format: CSV")]
    [InlineData("null_values: [NA, \"-\"]")]
    public void Well_typed_and_templated_options_are_accepted(string option)
    {
        Assert.Empty(Pipelines.Validate($"""
            name: x
            params:
              has_header: true
            tasks:
              a:
                source: files
                output: y
                with:
                  path: a.csv
                  {option}
            """));
    }

    [Fact]
    public void A_missing_required_option_is_reported_at_the_task()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: a.csv } }
              load:
                sink: duckdb
                input: y
                with: { database: w.duckdb }
            """));

        ErrorAssert.IsAt(error, 4, 3);
        Assert.Equal(
            "task 'load': sink 'duckdb' needs option 'table' (Target table; created from the dataset's schema when missing.). Add it under 'with:'.",
            error.Message);
    }

    [Fact]
    public void A_null_required_option_counts_as_missing()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: ~ } }
            """));

        Assert.StartsWith("task 'a': source 'files' needs option 'path'", error.Message);
    }

    [Fact]
    public void Upsert_needs_a_key()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: a.csv } }
              load: { sink: duckdb, input: y, with: { database: w.duckdb, table: t, mode: upsert } }
            """));

        Assert.Equal("task 'load': mode 'upsert' needs option 'key' naming the key column(s).", error.Message);
    }

    [Fact]
    public void Upsert_in_capitals_still_needs_a_key()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: a.csv } }
              load: { sink: duckdb, input: y, with: { database: w.duckdb, table: t, mode: UPSERT } }
            """));

        Assert.Contains("needs option 'key'", error.Message);
    }

    [Fact]
    public void Delete_insert_needs_a_partition_column()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: a.csv } }
              load: { sink: duckdb, input: y, with: { database: w.duckdb, table: t, mode: delete_insert } }
            """));

        Assert.Equal("task 'load': mode 'delete_insert' needs option 'partition_column'.", error.Message);
    }

    [Fact]
    public void A_sql_transform_needs_exactly_one_of_sql_and_sql_file()
    {
        var errors = Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: a.csv } }
              both: { transform: sql, input: y, output: b, with: { sql: SELECT 1, sql_file: q.sql } }
              neither: { transform: sql, input: y, output: n }
            """);

        var exactlyOne = errors.Where(e => e.Message.EndsWith("transform 'sql' needs exactly one of the options 'sql' or 'sql_file'.", StringComparison.Ordinal)).ToList();
        Assert.Equal(2, exactlyOne.Count);
        Assert.Equal([4, 5], exactlyOne.Select(e => e.Location.Line).Order());
    }

    [Fact]
    public void Replace_partitions_needs_partition_by()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, with: { path: a.csv } }
              lake: { sink: parquet, input: y, with: { path: lake, mode: replace_partitions } }
            """));

        Assert.StartsWith("task 'lake': mode 'replace_partitions' needs option 'partition_by'", error.Message);
    }

    [Fact]
    public void Quarantine_of_a_non_csv_file_source_is_an_error()
    {
        var error = Assert.Single(Pipelines.Validate("""
            name: x
            tasks:
              a: { source: files, output: y, on_bad_rows: quarantine, with: { path: a.parquet, format: parquet } }
            """));

        Assert.StartsWith("task 'a': on_bad_rows: quarantine is supported for CSV files", error.Message);
    }
}
