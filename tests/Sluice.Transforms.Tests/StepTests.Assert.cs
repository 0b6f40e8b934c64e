using Sluice.State;
using Sluice.Transforms.Tests.Infrastructure;

namespace Sluice.Transforms.Tests;

/// <summary>assert: a condition on rows or on the whole data that fails the task, once, before anything is written.</summary>
public sealed class AssertStepTests : IDisposable
{
    private const string Csv = "id,amount\n1,10\n2,-5\n3,\n4,-1\n";
    private const string Columns = "id BIGINT, amount DOUBLE";

    private readonly StepHarness _h = new();

    public void Dispose() => _h.Dispose();

    [Fact]
    public async Task A_row_assertion_that_holds_passes_the_rows_through_and_a_null_result_passes()
    {
        _h.Write(Csv, Columns, "- assert: { expr: \"amount > -10\", message: no big refunds }\n- filter: id < 4");
        var output = await _h.OutputAsync();
        Assert.Equal(["1|10", "2|-5", "3|NULL"], output.Lines());
    }

    [Fact]
    public async Task A_row_assertion_that_breaks_fails_with_the_message_the_count_and_example_rows_and_is_not_retried()
    {
        _h.Write(Csv, Columns, "- assert: { expr: \"amount >= 0\", message: amounts are never negative }", task: "retries: 2\nretry_delay: 10ms");

        var result = await _h.RunAsync();

        var clean = result.Tasks.Single(t => t.TaskId == "clean");
        Assert.Equal((TaskState.Failed, 1), (clean.State, clean.TryNumber));
        Assert.Equal(
            $"step 'assert' ({_h.StepAt("assert")}) in task 'clean': amounts are never negative: 2 row(s) break 'amount >= 0', e.g. {{id: 2, amount: -5}}; {{id: 4, amount: -1}}; nothing was written.",
            clean.Error);
        Assert.False(_h.HasStaged("clean"));
    }

    [Fact]
    public async Task An_aggregate_assertion_tests_one_condition_over_all_rows()
    {
        _h.Write(Csv, Columns, "- assert: { expr: \"sum(amount) > 100\", message: the day's total is too low, scope: aggregate }");
        Assert.Equal(
            $"step 'assert' ({_h.StepAt("assert")}) in task 'clean': the day's total is too low (aggregate condition 'sum(amount) > 100' is false); nothing was written.",
            await _h.FailureAsync());

        _h.Write(Csv, Columns, "- assert: { expr: \"count(*) = 4\", scope: aggregate }");
        Assert.Equal(4, (await _h.OutputAsync()).Lines().Count);
    }

    [Fact]
    public void An_unknown_option_or_scope_is_a_validation_error()
    {
        _h.Write(Csv, Columns, "- assert: { expr: \"amount >= 0\", mesage: x, scope: table }");
        var error = _h.Invalid();
        Assert.Contains("step 'assert': unknown option 'mesage'. Did you mean 'message'?", error);
        Assert.Contains("table", error);
    }

    [Fact]
    public void A_condition_that_does_not_compile_is_a_validation_error_at_the_step()
    {
        _h.Write(Csv, Columns, "- assert: { expr: \"amout >= 0\" }");
        Assert.Contains($"{_h.StepAt("assert")}: task 'clean': step 'assert' ({_h.StepAt("assert")}) in task 'clean': the condition 'amout >= 0' does not run: Binder Error", _h.Invalid());
    }
}
