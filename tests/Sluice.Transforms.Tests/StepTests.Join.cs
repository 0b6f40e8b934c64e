using Sluice.Transforms.Tests.Infrastructure;

namespace Sluice.Transforms.Tests;

/// <summary>join: keys, type checks, unmatched rows, name clashes and row order.</summary>
public sealed class JoinStepTests : IDisposable
{
    private const string OrdersCsv = "order_id,cust_id,amount\n1,1,10\n2,2,20\n3,3,30\n4,1,40\n5,,50\n";
    private const string Orders = "order_id BIGINT, cust_id BIGINT, amount DOUBLE";
    private const string CustomersCsv = "cust_id,name,amount\n2,bea,200\n1,abe,100\n2,bea2,201\n";
    private const string Customers = "cust_id BIGINT, name VARCHAR, amount DOUBLE";

    private readonly StepHarness _h = new();

    [Fact]
    public async Task A_left_join_keeps_every_left_row_in_order_and_several_matches_in_the_right_sides_order()
    {
        _h.Write(OrdersCsv, Orders, "- join: { dataset: right, on: cust_id, on_unmatched: ignore }", right: Customers, rightCsv: CustomersCsv);
        var output = await _h.OutputAsync();
        Assert.Equal(["order_id", "cust_id", "amount", "name", "amount_right"], output.Columns); // a clashing name gets the dataset as suffix
        Assert.Equal(
            ["1|1|10|abe|100", "2|2|20|bea|200", "2|2|20|bea2|201", "3|3|30|NULL|NULL", "4|1|40|abe|100", "5|NULL|50|NULL|NULL"],
            output.Lines());
        Assert.DoesNotContain(_h.Log.Of("clean"), l => l.Contains("no match", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Unmatched_rows_are_counted_in_the_run_log_with_on_unmatched_warn()
    {
        _h.Write(OrdersCsv, Orders, "- join: { dataset: right, on: cust_id, how: inner, select: [name] }", right: Customers, rightCsv: CustomersCsv);
        var output = await _h.OutputAsync();
        Assert.Equal(["1|1|10|abe", "2|2|20|bea", "2|2|20|bea2", "4|1|40|abe"], output.Lines());
        Assert.Contains($"step 'join' ({_h.StepAt("join")}): 2 row(s) found no match in 'right' on cust_id and were dropped by the inner join", _h.Log.Of("clean"));
    }

    [Fact]
    public async Task On_unmatched_fail_stops_the_task_before_anything_is_written()
    {
        _h.Write(OrdersCsv, Orders, "- join: { dataset: right, on: cust_id, on_unmatched: fail }", right: Customers, rightCsv: CustomersCsv, load: true);
        Assert.Equal(
            $"task 'clean': step 'join' ({_h.StepAt("join")}): 2 row(s) found no match in 'right' on cust_id (on_unmatched: fail); nothing was written.",
            await _h.FailureAsync());
        Assert.False(_h.HasStaged("out"));
        Assert.False(_h.Project.Warehouse("wh.duckdb").Exists);
    }

    [Fact]
    public void Join_keys_of_mismatched_types_fail_naming_both_sides_and_their_types()
    {
        _h.Write(OrdersCsv, Orders, "- join: { dataset: right, on: cust_id }", right: "cust_id VARCHAR, name VARCHAR, amount DOUBLE", rightCsv: CustomersCsv);
        Assert.Contains(
            $"{_h.StepAt("join")}: task 'clean': step 'join' ({_h.StepAt("join")}) in task 'clean': join keys of mismatched types: 'cust_id' is BIGINT in the input, 'cust_id' is VARCHAR in 'right'. Cast one side first (step 'cast').",
            _h.Invalid());
    }

    [Fact]
    public async Task Keys_with_different_names_map_left_to_right_and_an_integer_key_joins_a_bigint_key()
    {
        _h.Write(OrdersCsv, Orders, "- join: { dataset: right, on: { cust_id: id }, select: name }", right: "id INTEGER, name VARCHAR, amount DOUBLE", rightCsv: CustomersCsv.Replace("cust_id,", "id,", StringComparison.Ordinal));
        Assert.Equal(["abe", "bea", "bea2", null, "abe", null], (await _h.OutputAsync()).Column("name"));
    }

    [Fact]
    public async Task An_unknown_right_key_or_selected_column_lists_the_right_datasets_columns()
    {
        const string Expected = "in task 'clean': unknown column 'nme' in dataset 'right'. Did you mean 'name'? Valid: amount, cust_id, name.";
        _h.Write(OrdersCsv, Orders, "- join: { dataset: right, on: cust_id, select: [nme] }", right: Customers, rightCsv: CustomersCsv);
        Assert.Contains($"step 'join' ({_h.StepAt("join")}) {Expected}", _h.Invalid());

        _h.Write(OrdersCsv, Orders, "- join: { dataset: right, on: cust_id, select: [nme] }", right: Customers, rightCsv: CustomersCsv, declared: false);
        Assert.Equal($"step 'join' ({_h.StepAt("join")}) {Expected}", await _h.FailureAsync());
    }

    [Fact]
    public void Joining_a_dataset_that_is_not_an_input_of_the_task_is_a_validation_error()
    {
        _h.Write(OrdersCsv, Orders, "- join: { dataset: customers, on: cust_id }");
        Assert.Contains($"{_h.StepAt("join")}: task 'clean': step 'join' ({_h.StepAt("join")}) reads dataset 'customers', which is not an input of this task; add it to 'inputs'.", _h.Invalid());
    }

    public void Dispose() => _h.Dispose();
}
