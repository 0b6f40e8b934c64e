using Sluice.Execution;
using Sluice.Model;
using Sluice.State;

namespace Sluice.Core.Tests.Execution;

/// <summary>The scheduler's decisions from stored states alone: no runner, no engine, no clock but a value.</summary>
public sealed class RunSchedulerTests
{
    private static readonly DateTimeOffset Now = new(2024, 3, 2, 2, 0, 0, TimeSpan.Zero);

    private static PipelineDefinition Pipeline(params TaskDefinition[] tasks) => new() { Name = "p", Tasks = tasks };

    private static TaskDefinition Task(string id, string? input = null, string? output = null, TriggerRule rule = TriggerRule.AllSuccess, params string[] dependsOn) => new()
    {
        Id = id,
        Kind = input is null ? TaskKind.Source : TaskKind.Transform,
        Connector = "x",
        Inputs = input is null ? [] : [input],
        Outputs = output is null ? [] : [output],
        DependsOn = dependsOn,
        TriggerRule = rule,
    };

    private static Dictionary<string, TaskInstanceRecord> States(params (string Id, TaskState State)[] states) =>
        states.ToDictionary(s => s.Id, s => new TaskInstanceRecord { RunId = 1, TaskId = s.Id, State = s.State }, StringComparer.Ordinal);

    [Fact]
    public void Tasks_whose_upstream_succeeded_are_ready_in_run_order()
    {
        var pipeline = Pipeline(Task("load", input: "raw"), Task("extract", output: "raw"), Task("other", output: "o"));

        var first = RunScheduler.Decide(PipelineGraph.Of(pipeline), States(("load", TaskState.Pending), ("extract", TaskState.Pending), ("other", TaskState.Pending)), Now);
        var second = RunScheduler.Decide(PipelineGraph.Of(pipeline), States(("load", TaskState.Pending), ("extract", TaskState.Success), ("other", TaskState.Running)), Now);

        Assert.Equal(["extract", "other"], first.Ready.Select(t => t.Id));
        Assert.Equal(["load"], second.Ready.Select(t => t.Id));
        Assert.False(second.Finished);
    }

    [Fact]
    public void A_failure_settles_the_whole_chain_below_it_in_one_decision()
    {
        var pipeline = Pipeline(Task("a", output: "x"), Task("b", input: "x", output: "y"), Task("c", input: "y"));

        var decision = RunScheduler.Decide(PipelineGraph.Of(pipeline), States(("a", TaskState.Failed), ("b", TaskState.Pending), ("c", TaskState.Pending)), Now);

        Assert.Equal([("b", TaskState.UpstreamFailed), ("c", TaskState.UpstreamFailed)], decision.Settled.Select(s => (s.TaskId, s.State)));
        Assert.Contains("upstream task 'a' did not succeed", decision.Settled[0].Reason, StringComparison.Ordinal);
        Assert.Empty(decision.Ready);
    }

    [Fact]
    public void A_retry_waits_for_its_stored_time_and_the_decision_says_when_to_look_again()
    {
        var pipeline = Pipeline(Task("a", output: "x"));
        var at = Now.AddSeconds(30);
        var states = new Dictionary<string, TaskInstanceRecord>(StringComparer.Ordinal)
        {
            ["a"] = new() { RunId = 1, TaskId = "a", State = TaskState.UpForRetry, TryNumber = 1, NextAttemptAt = at },
        };

        var early = RunScheduler.Decide(PipelineGraph.Of(pipeline), states, Now);
        var due = RunScheduler.Decide(PipelineGraph.Of(pipeline), states, at);

        Assert.Empty(early.Ready);
        Assert.Equal(at, early.WakeAt);
        Assert.False(early.Finished);
        Assert.Equal(["a"], due.Ready.Select(t => t.Id));
    }

    [Fact]
    public void Trigger_rules_run_clean_up_after_anything_and_notification_only_after_a_failure()
    {
        var pipeline = Pipeline(
            Task("a", output: "x"),
            Task("b", input: "x"),
            Task("cleanup", rule: TriggerRule.AllDone, dependsOn: ["a", "b"]),
            Task("notify", rule: TriggerRule.OneFailed, dependsOn: ["a"]));
        var graph = PipelineGraph.Of(pipeline);

        var afterFailure = RunScheduler.Decide(graph, States(("a", TaskState.Failed), ("b", TaskState.UpstreamFailed), ("cleanup", TaskState.Pending), ("notify", TaskState.Pending)), Now);
        var afterSuccess = RunScheduler.Decide(graph, States(("a", TaskState.Success), ("b", TaskState.Success), ("cleanup", TaskState.Pending), ("notify", TaskState.Pending)), Now);
        var stillRunning = RunScheduler.Decide(graph, States(("a", TaskState.Success), ("b", TaskState.Running), ("cleanup", TaskState.Pending), ("notify", TaskState.Pending)), Now);

        Assert.Equal(["cleanup", "notify"], afterFailure.Ready.Select(t => t.Id));
        Assert.Equal(["cleanup"], afterSuccess.Ready.Select(t => t.Id));
        Assert.Equal([("notify", TaskState.Skipped)], afterSuccess.Settled.Select(s => (s.TaskId, s.State)));
        Assert.DoesNotContain(stillRunning.Ready, t => t.Id == "cleanup");
    }

    [Fact]
    public void A_run_is_finished_when_nothing_is_running_waiting_or_ready()
    {
        var pipeline = Pipeline(Task("a", output: "x"), Task("b", input: "x"));

        var decision = RunScheduler.Decide(PipelineGraph.Of(pipeline), States(("a", TaskState.Success), ("b", TaskState.Failed)), Now);

        Assert.True(decision.Finished);
        Assert.Empty(decision.Ready);
    }
}
