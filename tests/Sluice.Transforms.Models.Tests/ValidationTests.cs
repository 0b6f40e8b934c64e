using Sluice.Transforms.Models.Tests.Infrastructure;
using Sluice.Validation;

namespace Sluice.Transforms.Models.Tests;

/// <summary>Problems in the models are found before the run, each with its file, line and column.</summary>
public sealed class ValidationTests : IDisposable
{
    private readonly TestProject _project = new();

    public ValidationTests() => Shop.Setup(_project);

    public void Dispose() => _project.Dispose();

    private string At(string model, int line, int column) => $"{_project.PathOf("models/" + model)}:{line}:{column}: task 'build': ";

    private string OnlyError() => Assert.Single(_project.Validate());

    /// <summary>Compares as one text, so a failure shows the whole message that differs.</summary>
    private void AssertErrors(IEnumerable<string> expected, IEnumerable<string>? actual = null) =>
        Assert.Equal(string.Join('\n', expected), string.Join('\n', actual ?? _project.Validate()));

    [Fact]
    public void An_unknown_ref_names_the_file_line_and_column_and_suggests_the_model()
    {
        Shop.StagingModels(_project);
        _project.Write("models/mart.sql", "-- materialized: table\nSELECT *\nFROM {{ ref('stg_order') }}");

        Assert.Equal(
            At("mart.sql", 3, 6) + "model 'mart' refs unknown model 'stg_order'. Did you mean 'stg_orders'? Valid: mart, stg_customers, stg_orders. A model is a .sql file in the models folder, named without '.sql'.",
            OnlyError());
    }

    [Fact]
    public void A_cycle_of_refs_is_refused_at_the_ref_that_closes_it()
    {
        _project.Write("models/a.sql", "SELECT * FROM {{ ref('b') }}");
        _project.Write("models/b.sql", "SELECT * FROM {{ ref('c') }}");
        _project.Write("models/c.sql", "SELECT 1 AS x\nUNION ALL SELECT * FROM {{ ref('a') }}");

        Assert.Equal(
            At("c.sql", 2, 25) + "the models form a cycle: a -> b -> c -> a (each arrow is a ref). Remove one of these refs.",
            OnlyError());
    }

    [Fact]
    public void A_model_that_refs_itself_is_pointed_to_this()
    {
        _project.Write("models/a.sql", "-- materialized: incremental\nSELECT * FROM {{ ref('a') }}");

        Assert.Equal(
            At("a.sql", 2, 15) + "the models form a cycle: a -> a (each arrow is a ref). A model cannot ref itself; an incremental model reads its existing table with {{ this }}.",
            OnlyError());
    }

    [Fact]
    public void A_bad_materialization_and_a_misspelt_config_key_are_refused()
    {
        _project.Write("models/a.sql", "-- materialized:   tabel\nSELECT 1 AS x");
        _project.Write("models/b.sql", "-- A note: lines that are not config stay comments.\n-- materialised: table\nSELECT 1 AS x");

        AssertErrors(
            [
                At("a.sql", 1, 20) + "materialized must be one of: view, table, incremental (got 'tabel').",
                At("b.sql", 2, 4) + "unknown model config 'materialised'. Did you mean 'materialized'? Valid: materialized, unique_key, incremental_strategy, on_schema_change, schema.",
            ]);
    }

    [Fact]
    public void Incremental_settings_must_fit_together()
    {
        _project.Write("models/a.sql", "-- materialized: incremental\n-- incremental_strategy: delete_insert\nSELECT 1 AS x");
        _project.Write("models/b.sql", "-- materialized: table\n-- unique_key: x\nSELECT 1 AS x");
        _project.Write("models/c.sql", "-- materialized: incremental\n-- unique_key: x\n-- incremental_strategy: append\nSELECT 1 AS x");

        AssertErrors(
            [
                At("a.sql", 2, 26) + "incremental_strategy 'delete_insert' needs '-- unique_key: column[, column...]': the rows of the table whose key occurs among the new rows are replaced.",
                At("b.sql", 2, 16) + "'unique_key' applies only to incremental models, and this one is a table. Add '-- materialized: incremental' or remove the line.",
                At("c.sql", 2, 16) + "unique_key has no effect with incremental_strategy 'append', which only inserts. Remove one of the two lines.",
            ]);
    }

    [Fact]
    public void A_view_cannot_use_run_variables_because_it_outlives_the_run()
    {
        _project.Write("models/v.sql", "SELECT * FROM {{ source('raw_orders') }}\nWHERE order_ts >= {{ data_interval_start }} AND '${HOME}' <> ''");

        var errors = _project.Validate();

        Assert.Equal(2, errors.Count);
        Assert.StartsWith(At("v.sql", 2, 19) + "view model 'v' uses {{ data_interval_start }}. A view is stored in the warehouse and evaluated later, without this run's values, and DuckDB cannot bind parameters in CREATE VIEW.", errors[0]);
        Assert.StartsWith(At("v.sql", 2, 50) + "view model 'v' uses ${HOME}.", errors[1]);
    }

    [Fact]
    public void This_belongs_inside_an_is_incremental_block_of_an_incremental_model()
    {
        _project.Write("models/a.sql", "-- materialized: incremental\nSELECT * FROM {{ source('raw_orders') }} WHERE order_id > (SELECT max(order_id) FROM {{ this }})");
        _project.Write("models/b.sql", "-- materialized: table\nSELECT 1 AS x\n{% if is_incremental %}WHERE x > 0{% endif %}");
        _project.Write("models/c.sql", "-- materialized: incremental\nSELECT 1 AS x\n{% if is_incremental %}\nWHERE x > 0");

        AssertErrors(
            [
                At("a.sql", 2, 86) + "{{ this }} exists only when rows are added to an existing table; use it inside {% if is_incremental %} ... {% endif %}.",
                At("b.sql", 3, 1) + "{% if is_incremental %} is only meaningful in an incremental model, and 'b' is a table. Add '-- materialized: incremental' or remove the block.",
                At("c.sql", 3, 1) + "{% if is_incremental %} is not closed. Add {% endif %} after the SQL it guards.",
            ]);
    }

    [Fact]
    public void Sources_must_be_inputs_and_variables_must_exist()
    {
        _project.Write("models/a.sql", "-- materialized: table\nSELECT {{ dss }} AS d, * FROM {{ source('raw_order') }}\n-- {{ ref('commented_out') }} is ignored");

        AssertErrors(
            [
                At("a.sql", 2, 31) + "model 'a' reads source('raw_order'), which is not an input of this task. Add it to 'inputs' (now: raw_orders, raw_customers).",
                At("a.sql", 2, 8) + "model 'a': unknown template variable 'dss'. Did you mean 'ds'? Valid: data_interval_end, data_interval_start, ds, ds_nodash, logical_date, params.label, run_id.",
            ],
            _project.Validate().Order(StringComparer.Ordinal));
    }

    [Fact]
    public void Unsupported_template_syntax_is_named()
    {
        _project.Write("models/a.sql", "{{ config(materialized='table') }}\nSELECT 1 AS x\n{% for x in y %}");

        AssertErrors(
            [
                At("a.sql", 1, 1) + "unsupported template expression '{{ config(materialized='table') }}'. Models support {{ ref('model') }}, {{ source('dataset') }}, {{ this }}, run variables such as {{ ds }}, and {% if is_incremental %} ... {% else %} ... {% endif %}.",
                At("a.sql", 3, 1) + "unsupported block '{% for x in y %}'. Models support {{ ref('model') }}, {{ source('dataset') }}, {{ this }}, run variables such as {{ ds }}, and {% if is_incremental %} ... {% else %} ... {% endif %}.",
            ]);
    }

    [Fact]
    public void The_folder_select_and_outputs_are_checked()
    {
        Shop.Setup(_project, with: "\n      select: [stg_order]", output: "[stg_orders, summary]");
        Shop.StagingModels(_project);

        var errors = _project.Validate();

        Assert.Equal(2, errors.Count);
        Assert.Contains("pipeline.yaml:26:16: task 'build': select names unknown model 'stg_order'. Did you mean 'stg_orders'?", errors[0]);
        Assert.Contains("task 'build': output 'summary' is not a model. Each output of transform 'models' names a model whose rows are staged as that dataset after the build, or the dataset given as 'manifest'.", errors[1]);

        Shop.Setup(_project);
        File.WriteAllText(_project.PathOf("pipeline.yaml"), File.ReadAllText(_project.PathOf("pipeline.yaml")).Replace("path: models", "path: modles", StringComparison.Ordinal));
        Assert.Equal($"pipeline.yaml:24:13: task 'build': the models folder '{_project.PathOf("modles")}' does not exist (path is relative to the pipeline file's folder).", OnlyError());
    }

    [Fact]
    public async Task Every_problem_of_every_file_is_reported_at_once_and_nothing_runs()
    {
        _project.Write("models/a.sql", "-- materialized: tabel\nSELECT * FROM {{ ref('nope') }}");
        _project.Write("models/b.sql", "-- materialized: view\nSELECT {{ ds }} AS d");
        _project.Write("models/sub/a.sql", "SELECT 2 AS x");
        _project.Write("models/empty.sql", "-- materialized: table\n-- nothing here yet");

        var thrown = await Assert.ThrowsAsync<PipelineValidationException>(() => _project.RunAsync("pipeline.yaml", "2024-03-01"));

        Assert.Equal(5, thrown.Errors.Count);
        Assert.False(File.Exists(_project.PathOf("wh.duckdb")));
        Assert.Contains(thrown.Errors, e => e.Message.Contains("two models are named 'a'", StringComparison.Ordinal));
        Assert.Contains(thrown.Errors, e => e.Message.Contains("model 'empty' has no SQL", StringComparison.Ordinal));
    }
}
