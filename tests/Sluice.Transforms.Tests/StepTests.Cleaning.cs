using Sluice.Transforms.Tests.Infrastructure;

namespace Sluice.Transforms.Tests;

/// <summary>drop_duplicates, drop_null and fill_null: options, edge cases and bad input.</summary>
public sealed class CleaningStepTests : IDisposable
{
    private const string Orders = "id BIGINT, customer VARCHAR, amount DOUBLE, updated TIMESTAMP";

    private const string OrdersCsv = """
        id,customer,amount,updated
        1,ann,10.0,2024-03-01 10:00:00
        2,bob,,2024-03-01 11:00:00
        1,ann,12.0,2024-03-02 09:00:00
        3,,7.5,
        1,ann,11.0,2024-03-01 12:00:00
        2,bob,,2024-03-01 11:00:00

        """;

    private readonly StepHarness _h = new();

    [Fact]
    public async Task Drop_duplicates_with_order_by_keeps_the_latest_version_of_each_key()
    {
        _h.Write(OrdersCsv, Orders, "- drop_duplicates: { subset: id, order_by: updated, keep: last }");
        var output = await _h.OutputAsync();
        Assert.Equal(["1|ann|12|2024-03-02 09:00:00", "2|bob|NULL|2024-03-01 11:00:00", "3|NULL|7.5|NULL"], output.Lines().Order(StringComparer.Ordinal).ToList());
    }

    [Fact]
    public async Task Drop_duplicates_keep_none_removes_every_repeated_row_and_nulls_compare_equal()
    {
        _h.Write(OrdersCsv, Orders, "- drop_duplicates: { subset: [customer, amount], keep: none }");
        var output = await _h.OutputAsync();
        Assert.Equal([1L, 1L, 3L, 1L], output.Column("id")); // both (bob, null) rows go: null equals null, as in pandas
    }

    [Fact]
    public void Drop_duplicates_on_an_unknown_column_of_a_declared_dataset_fails_validation_naming_the_step_the_column_and_the_columns_that_exist()
    {
        _h.Write(OrdersCsv, Orders, "- drop_duplicates: { subset: [custmer] }");
        Assert.Contains(
            $"{_h.StepAt("drop_duplicates")}: task 'clean': step 'drop_duplicates' ({_h.StepAt("drop_duplicates")}) in task 'clean': unknown column 'custmer' in the data coming from 'raw' at this step. Did you mean 'customer'? Valid: amount, customer, id, updated.",
            _h.Invalid());
    }

    [Fact]
    public async Task Drop_duplicates_on_an_unknown_column_names_the_step_its_location_the_column_and_the_columns_that_exist()
    {
        _h.Write(OrdersCsv, Orders, "- drop_duplicates: { subset: [custmer] }", declared: false);
        var error = await _h.FailureAsync();
        Assert.Equal(
            $"step 'drop_duplicates' ({_h.StepAt("drop_duplicates")}) in task 'clean': unknown column 'custmer' in the data coming from 'raw' at this step. Did you mean 'customer'? Valid: amount, customer, id, updated.",
            error);
        Assert.False(_h.HasStaged("out"));
    }

    [Fact]
    public void Drop_duplicates_keep_must_be_first_last_or_none()
    {
        _h.Write(OrdersCsv, Orders, "- drop_duplicates: { keep: latest }");
        Assert.Contains($"{_h.At("latest")}: task 'clean': step 'drop_duplicates': option 'keep' must be one of: first, last, none (got 'latest').", _h.Invalid());
    }

    [Fact]
    public void A_misspelt_option_is_a_validation_error_with_the_valid_ones()
    {
        _h.Write(OrdersCsv, Orders, "- drop_duplicates: { subst: [id] }");
        Assert.Contains($"{_h.At("subst")}: task 'clean': step 'drop_duplicates': unknown option 'subst'. Did you mean 'subset'? Valid: keep, order_by, subset.", _h.Invalid());
    }

    [Fact]
    public void An_unknown_step_is_a_validation_error_with_a_suggestion()
    {
        _h.Write(OrdersCsv, Orders, "- drop_duplicate: {}");
        Assert.Contains("unknown step 'drop_duplicate'. Did you mean 'drop_duplicates'?", _h.Invalid());
    }

    [Fact]
    public async Task Drop_null_takes_one_column_a_list_or_columns_with_how()
    {
        _h.Write(OrdersCsv, Orders, "- drop_null: amount");
        Assert.Equal([1L, 1L, 3L, 1L], (await _h.OutputAsync()).Column("id"));

        _h.Write(OrdersCsv, Orders, "- drop_null: [customer, amount]");
        Assert.Equal([1L, 1L, 1L], (await _h.OutputAsync()).Column("id"));

        _h.Write(OrdersCsv, Orders, "- drop_null: { columns: [customer, updated], how: all }");
        Assert.Equal([1L, 2L, 1L, 1L, 2L], (await _h.OutputAsync()).Column("id")); // only id 3 has neither
    }

    [Fact]
    public async Task Fill_null_constants_keep_the_column_type_and_a_decimal_mean_is_rounded_to_its_scale()
    {
        _h.Write("id,price,n\n1,1.00,1\n2,,\n3,2.00,2\n4,2.00,\n", "id BIGINT, price \"DECIMAL(10,2)\", n INTEGER",
            "- fill_null: { n: 0 }\n- derive: { price2: price }\n- fill_null: { price: { strategy: mean }, price2: -1 }");
        var output = await _h.OutputAsync();
        Assert.Equal("DECIMAL(10,2)", output.TypeOf("price"));
        Assert.Equal("INTEGER", output.TypeOf("n"));
        Assert.Equal([1.00m, 1.67m, 2.00m, 2.00m], output.Column("price")); // 5/3 rounded to 2 places; pandas keeps 1.6666...
        Assert.Equal([1.00m, -1m, 2.00m, 2.00m], output.Column("price2"));
        Assert.Equal([1, 0, 2, 0], output.Column("n"));
    }

    [Fact]
    public async Task Fill_null_with_a_value_that_does_not_fit_the_column_fails_before_writing()
    {
        _h.Write(OrdersCsv, Orders, "- fill_null: { amount: lots }", load: true);
        Assert.Contains($"task 'clean': step 'fill_null' ({_h.StepAt("fill_null")}): the fill value 'lots' for column 'amount' cannot be converted to DOUBLE; nothing was written.", _h.Invalid());

        _h.Write(OrdersCsv, Orders, "- fill_null: { amount: lots }", load: true, declared: false);
        var error = await _h.FailureAsync();
        Assert.Equal($"task 'clean': step 'fill_null' ({_h.StepAt("fill_null")}): the fill value 'lots' for column 'amount' cannot be converted to DOUBLE; nothing was written.", error);
        Assert.False(_h.HasStaged("out"));
        Assert.False(_h.Project.Warehouse("wh.duckdb").Exists);
    }

    [Fact]
    public void Fill_null_needs_a_known_strategy()
    {
        _h.Write(OrdersCsv, Orders, "- fill_null: { amount: { strategy: average } }");
        Assert.Contains("step 'fill_null': column 'amount' needs 'value: ...' or 'strategy:' one of previous, next, mean, median, mode (got 'average').", _h.Invalid());
    }

    [Fact]
    public async Task Fill_null_previous_without_an_earlier_value_stays_null_and_by_group_does_not_cross_groups()
    {
        _h.Write("g,v\na,\nb,1\na,2\nb,\na,\n", "g VARCHAR, v INTEGER", "- fill_null: { by: g, v: { strategy: previous } }");
        Assert.Equal([null, 1, 2, 1, 2], (await _h.OutputAsync()).Column("v"));
    }

    [Fact]
    public async Task NaN_is_a_value_not_a_null_so_fill_null_and_drop_null_leave_it()
    {
        // pandas treats NaN as missing; in SQL NaN is a number (documented difference).
        _h.Write("id,x\n1,nan\n2,\n3,1.0\n", "id BIGINT, x DOUBLE", "- fill_null: { x: 0 }\n- drop_null: x");
        var x = (await _h.OutputAsync()).Column("x");
        Assert.True(double.IsNaN((double)x[0]!));
        Assert.Equal([0.0, 1.0], x.Skip(1));
    }

    public void Dispose() => _h.Dispose();
}
