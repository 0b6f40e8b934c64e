using Sluice.Model;
using Sluice.Scheduling;
using Sluice.State;

namespace Sluice.Hosting.Tests;

/// <summary>Backfill skip and rerun rules, decided from run history alone.</summary>
public sealed class BackfillPlanTests
{
    private static readonly PipelineDefinition Pipeline = new() { Name = "p" };
    private static readonly DateOnly First = new(2024, 3, 1);

    private static RunRecord Run(long id, int day, RunState state) => new()
    {
        Id = id,
        Pipeline = "p",
        LogicalDate = First.AddDays(day),
        IntervalStart = DateTimeOffset.MinValue,
        IntervalEnd = DateTimeOffset.MinValue,
        State = state,
        ProcessId = 42,
        Host = "box",
    };

    private static readonly RunRecord[] History =
    [
        Run(1, 0, RunState.Success),
        Run(2, 1, RunState.Failed),
        Run(3, 1, RunState.Success),   // a later success wins
        Run(4, 2, RunState.Success),
        Run(5, 2, RunState.Failed),    // a later failure wins
        Run(6, 3, RunState.Abandoned),
        Run(7, 4, RunState.Running),
    ];

    private static IEnumerable<string> Summary(BackfillMode mode) =>
        BackfillPlan.For(Pipeline, First, First.AddDays(5), History, mode).Select(s => s.Run ? s.Resume ? "resume" : "run" : "skip");

    [Fact]
    public void By_default_intervals_that_never_succeeded_run_whole_and_the_rest_are_skipped_with_a_reason()
    {
        var plan = BackfillPlan.For(Pipeline, First, First.AddDays(5), History, BackfillMode.Missing);

        Assert.Equal(["skip", "skip", "run", "run", "skip", "run"], Summary(BackfillMode.Missing));
        Assert.Contains("succeeded in run 3", plan[1].Reason, StringComparison.Ordinal);
        Assert.Contains("run 5 failed", plan[2].Reason, StringComparison.Ordinal);
        Assert.Contains("run 6 abandoned", plan[3].Reason, StringComparison.Ordinal);
        Assert.Contains("in progress (process 42 on box)", plan[4].Reason, StringComparison.Ordinal);
        Assert.Equal("never run", plan[5].Reason);
    }

    [Fact]
    public void Rerun_failed_resumes_failed_intervals_and_reprocess_all_runs_succeeded_ones_again()
    {
        Assert.Equal(["skip", "skip", "resume", "resume", "skip", "run"], Summary(BackfillMode.RerunFailed));
        Assert.Equal(["run", "run", "run", "run", "skip", "run"], Summary(BackfillMode.ReprocessAll));
    }

    [Fact]
    public void Weekly_pipelines_step_a_week_at_a_time()
    {
        var weekly = Pipeline with { Interval = Templating.IntervalUnit.Week };

        var plan = BackfillPlan.For(weekly, First, First.AddDays(20), [], BackfillMode.Missing);

        Assert.Equal([First, First.AddDays(7), First.AddDays(14)], plan.Select(s => s.LogicalDate));
    }
}
