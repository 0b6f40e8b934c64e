using Sluice.Transforms.Tests.Infrastructure;

namespace Sluice.Transforms.Tests;

/// <summary>derive, filter, select, rename, cast and outliers' remaining options.</summary>
public sealed class SqlStepTests : IDisposable
{
    private const string Csv = "id,a,b\n1,10,2\n2,5,0\n3,0,0\n4,,1\n";
    private const string Columns = "id BIGINT, a DOUBLE, b INTEGER";

    private readonly StepHarness _h = new();

    [Fact]
    public async Task Derive_division_by_zero_gives_infinity_and_nullif_makes_it_null()
    {
        _h.Write(Csv, Columns, "- derive: { ratio: a / b, safe: \"a / nullif(b, 0)\", doubled: safe * 2 }");
        var output = await _h.OutputAsync();
        Assert.Equal([5.0, double.PositiveInfinity, double.NaN, null], output.Column("ratio"));
        Assert.Equal([5.0, null, null, null], output.Column("safe"));
        Assert.Equal([10.0, null, null, null], output.Column("doubled")); // a derived column can use the ones before it
    }

    [Fact]
    public void An_unquoted_expression_with_a_comma_in_a_flow_mapping_is_caught_at_validation()
    {
        _h.Write(Csv, Columns, "- derive: { safe: a / nullif(b, 0) }");
        Assert.Contains("step 'derive': column '0)' has no expression; quote expressions that contain a comma, e.g. ratio: \"a / nullif(b, 0)\".", _h.Invalid());
    }

    [Fact]
    public async Task A_derive_on_an_unknown_column_names_the_step_and_the_columns_at_that_step()
    {
        _h.Write(Csv, Columns, "- rename: { a: amount }\n- derive: { x: a * 2 }");
        Assert.Contains($"{_h.StepAt("derive")}: task 'clean': step 'derive' ({_h.StepAt("derive")}) in task 'clean' does not fit its input: Binder Error: Referenced column \"a\" not found in FROM clause!", _h.Invalid());

        _h.Write(Csv, Columns, "- rename: { a: amount }\n- derive: { x: a * 2 }", declared: false);
        var error = await _h.FailureAsync();
        Assert.StartsWith($"step 'derive' ({_h.StepAt("derive")}) in task 'clean' does not fit its input: Binder Error: Referenced column \"a\" not found in FROM clause!", error);
        Assert.EndsWith("Columns at this step: id, amount, b.", error);
    }

    [Fact]
    public async Task Filter_select_and_rename_work_in_order()
    {
        _h.Write(Csv, Columns, "- filter: a > 1\n- select: [b, id]\n- rename: { b: count }");
        var output = await _h.OutputAsync();
        Assert.Equal(["count", "id"], output.Columns);
        Assert.Equal(["2|1", "0|2"], output.Lines());
    }

    [Fact]
    public async Task Select_and_rename_of_an_unknown_column_list_the_columns()
    {
        _h.Write(Csv, Columns, "- select: [id, c]");
        var error = _h.Invalid();
        Assert.Contains($"step 'select' ({_h.StepAt("select")}) in task 'clean': unknown column 'c' in the data coming from 'raw' at this step.", error);
        Assert.Contains("Valid: a, b, id.", error);
        _h.Write(Csv, Columns, "- rename: { idd: key }", declared: false);
        Assert.Contains($"step 'rename' ({_h.StepAt("rename")}) in task 'clean': unknown column 'idd'", await _h.FailureAsync());
    }

    [Fact]
    public void Cast_to_a_type_that_does_not_exist_is_a_validation_error()
    {
        _h.Write(Csv, Columns, "- cast: { b: BIGNT, a: \"DECIMAL(10,2)\", id: VARCHAR }");
        var message = _h.Invalid();
        Assert.Contains($"{_h.At("b: BIGNT")}: task 'clean': step 'cast': 'BIGNT' for column 'b' is not a SQL type such as BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP, DECIMAL(18,2).", message);
        Assert.DoesNotContain("DECIMAL(10,2)' for", message);
    }

    [Fact]
    public async Task Cast_fails_before_writing_on_values_that_do_not_convert_and_try_makes_them_null()
    {
        const string csv = "id,d\n1,2024-03-01\n2,soon\n";
        _h.Write(csv, "id BIGINT, d VARCHAR", "- cast: { d: DATE, id: INTEGER }");
        Assert.Equal(
            $"task 'clean': step 'cast' ({_h.StepAt("cast")}): 1 value(s) of column 'd' cannot be cast to DATE; clean them first, or set 'try: true' to make them null; nothing was written.",
            await _h.FailureAsync());

        _h.Write(csv, "id BIGINT, d VARCHAR", "- cast: { d: DATE, id: INTEGER, try: true }");
        var output = await _h.OutputAsync();
        Assert.Equal(["INTEGER", "DATE"], output.Types);
        Assert.Equal(["1|2024-03-01", "2|NULL"], output.Lines());
    }

    [Fact]
    public async Task A_narrowing_cast_is_still_counted_before_writing_and_a_widening_one_converts_everything()
    {
        const string csv = "id,n\n1,3000000000\n2,7\n";
        _h.Write(csv, "id INTEGER, n BIGINT", "- cast: { id: BIGINT, n: INTEGER }");
        Assert.Equal(
            $"task 'clean': step 'cast' ({_h.StepAt("cast")}): 1 value(s) of column 'n' cannot be cast to INTEGER; clean them first, or set 'try: true' to make them null; nothing was written.",
            await _h.FailureAsync());

        _h.Write(csv, "id INTEGER, n BIGINT", "- cast: { id: BIGINT, n: VARCHAR }");
        var output = await _h.OutputAsync();
        Assert.Equal(["BIGINT", "VARCHAR"], output.Types);
        Assert.Equal(["1|3000000000", "2|7"], output.Lines());
    }

    [Theory]
    [InlineData("INTEGER", "BIGINT", true)]
    [InlineData("SMALLINT", "int8", true)]
    [InlineData("BIGINT", "DOUBLE", true)]
    [InlineData("DOUBLE", "varchar", true)]
    [InlineData("TIMESTAMP", "DATE", true)]
    [InlineData("DECIMAL(12,2)", "DECIMAL(12,2)", true)]
    [InlineData("BIGINT", "INTEGER", false)]
    [InlineData("DOUBLE", "DECIMAL(12,2)", false)]
    [InlineData("DOUBLE", "BIGINT", false)]
    [InlineData("DATE", "TIMESTAMP", false)]
    [InlineData("VARCHAR", "DATE", false)]
    public void Only_casts_that_convert_every_value_skip_the_counting_pass(string from, string to, bool always) =>
        Assert.Equal(always, Steps.CastStep.AlwaysConverts(from, to));

    [Fact]
    public async Task Steps_that_only_project_and_filter_keep_the_input_order_of_a_large_dataset_without_a_sort()
    {
        // Several Parquet row groups, read by several DuckDB threads: the order must still be the input's.
        const int rows = 300_000;
        var csv = new System.Text.StringBuilder("id,a,b,s\n");
        for (var i = 1; i <= rows; i++)
        {
            csv.Append(System.Globalization.CultureInfo.InvariantCulture, $"{i},{(i % 7 == 0 ? string.Empty : i % 1000)},{i % 3}, Text{i % 5} \n");
        }

        _h.Write(csv.ToString(), "id BIGINT, a DOUBLE, b INTEGER, s VARCHAR", string.Join('\n',
            "- filter: b <> 1",
            "- fill_null: { a: -1 }",
            "- normalize: { column: s, case: lower }",
            "- derive: { c: a * 2 }",
            "- drop_null: [id]",
            "- cast: { b: BIGINT }"));
        var ids = (await _h.OutputAsync()).Column("id").Select(v => Convert.ToInt64(v, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, rows).Where(i => i % 3 != 1).Select(i => (long)i), ids);
    }

    [Fact]
    public async Task Outliers_flag_with_a_zscore_and_cap_keep_a_decimal_columns_type()
    {
        var csv = "v\n" + string.Join('\n', new[] { "10.00", "11.00", "9.00", "10.50", "9.50", "100.00", "" }) + "\n";
        _h.Write(csv, "v \"DECIMAL(8,2)\"", "- outliers: { column: v, method: zscore, factor: 2, action: flag }");
        Assert.Equal([false, false, false, false, false, true, false], (await _h.OutputAsync()).Column("v_is_outlier"));

        _h.Write(csv, "v \"DECIMAL(8,2)\"", "- outliers: { column: v, action: cap }");
        var capped = await _h.OutputAsync();
        Assert.Equal("DECIMAL(8,2)", capped.TypeOf("v"));
        Assert.Equal([10.00m, 11.00m, 9.00m, 10.50m, 9.50m, 12.75m, null], capped.Column("v")); // Q3 10.875 + 1.5 * IQR 1.25
    }

    [Fact]
    public void Outliers_options_are_checked()
    {
        _h.Write(Csv, Columns, "- outliers: { column: a, method: mad, factor: big }");
        var message = _h.Invalid();
        Assert.Contains("step 'outliers': option 'method' must be one of: iqr, zscore (got 'mad').", message);
        Assert.Contains("step 'outliers': option 'factor' must be a number (got 'big').", message);
    }

    public void Dispose() => _h.Dispose();
}
