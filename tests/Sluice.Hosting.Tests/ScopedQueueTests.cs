using Sluice.IntegrationTests.Infrastructure;
using System.Text;
using Sluice.Connectors;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Model;
using Sluice.Queue;
using Sluice.State;

namespace Sluice.Hosting.Tests;

/// <summary>
/// Queue outcomes read their task's neighbourhood, not the run (issue 8's scheduling lag): a hand-over in
/// a long chain sees a couple of tasks, and on random DAGs with failures, retries and trigger rules the
/// scoped decisions write exactly what decisions over the whole run write. Both stores read by scope.
/// </summary>
public sealed class ScopedQueueTests
{
    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task A_hand_over_in_a_long_chain_reads_the_finished_task_and_its_successor_only(StoreKind kind)
    {
        await using var q = await QueueFixture.CreateAsync(kind);
        var yaml = string.Concat(Enumerable.Range(0, 60).Select(i => $"  t{i}: {{ source: noop, output: d{i}{(i > 0 ? $", depends_on: [t{i - 1}]" : string.Empty)} }}\n"));
        var (run, rules) = await q.StartAsync(QueueFixture.Pipeline(yaml));
        var reads = new List<(string Task, bool Partial, int Tasks)>();

        for (var i = 0; i < 60; i++)
        {
            var lease = (await QueueFixture.ClaimAsync(q.Queue, "w"))!;
            Assert.Equal($"t{i}", lease.Item.TaskId);
            Assert.True(await q.Queue.FinishAsync(
                lease,
                s =>
                {
                    reads.Add((lease.Item.TaskId, s.Partial, s.Tasks.Count));
                    return rules.AttemptSucceeded(s, lease.Item.TaskId, "w", new TaskOutcome());
                },
                CancellationToken.None));
        }

        Assert.Equal(RunState.Success, (await q.Store.GetRunAsync(run.Id, CancellationToken.None))!.State);
        // The last outcome may end the run, so it is decided over the whole run (outcome and summary take every task).
        Assert.Equal((false, 60), reads.Where(r => r.Task == "t59").Select(r => (r.Partial, r.Tasks)).Last());
        Assert.All(reads.Where(r => r.Task != "t59"), r => Assert.True(r.Partial && r.Tasks <= 2, $"{r.Task} read {r.Tasks} task(s), partial {r.Partial}"));
        Assert.DoesNotContain(reads, r => !r.Partial && r.Task != "t59");
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task Scoped_decisions_write_what_whole_run_decisions_write_on_random_dags_with_failures_and_trigger_rules(StoreKind kind)
    {
        for (var seed = 0; seed < 40; seed++)
        {
            var pipeline = RandomDag(new Random(seed));
            var scoped = await DriveAsync(kind, pipeline, seed, wholeRun: false);
            var whole = await DriveAsync(kind, pipeline, seed, wholeRun: true);
            Assert.True(whole.SequenceEqual(scoped), $"seed {seed}: scoped\n{string.Join("\n", scoped)}\nwhole run\n{string.Join("\n", whole)}");
        }
    }

    /// <summary>12 tasks, each after up to three earlier ones, with random trigger rules, retries and priorities.</summary>
    private static PipelineDefinition RandomDag(Random random)
    {
        var yaml = new StringBuilder();
        string[] rules = ["all_success", "all_success", "all_done", "one_failed"];
        for (var i = 0; i < 12; i++)
        {
            var after = Enumerable.Range(0, i).Where(_ => random.Next(4) == 0).Take(3).Select(u => $"t{u}").ToList();
            var deps = after.Count > 0 ? $", depends_on: [{string.Join(", ", after)}], trigger_rule: {rules[random.Next(rules.Length)]}" : string.Empty;
            yaml.Append($"  t{i}: {{ source: noop, output: d{i}, retries: {random.Next(3)}, retry_delay: 5s, priority: {random.Next(3)}{deps} }}\n");
        }

        return QueueFixture.Pipeline(yaml.ToString());
    }

    /// <summary>
    /// One worker takes items one at a time; each attempt's outcome (success, a retryable or a final
    /// failure, a lost lease) comes from the seed and the task and try, so both sides see the same ones.
    /// Returns every state change and the run's end, in order.
    /// </summary>
    private static async Task<List<string>> DriveAsync(StoreKind kind, PipelineDefinition pipeline, int seed, bool wholeRun)
    {
        await using var q = await QueueFixture.CreateAsync(kind);
        var (run, rules) = await q.StartAsync(pipeline);
        Func<RunSnapshot, RunChanges> Scope(Func<RunSnapshot, RunChanges> decide) => wholeRun ? s => s.Partial ? new RunChanges { ReadWholeRun = true } : decide(s) : decide;
        for (var step = 0; step < 500 && (await q.Store.GetRunAsync(run.Id, CancellationToken.None))!.State == RunState.Running; step++)
        {
            var lease = await QueueFixture.ClaimAsync(q.Queue, "w", TimeSpan.FromSeconds(30));
            if (lease is null)
            {
                q.Clock.Advance(TimeSpan.FromSeconds(5));
                continue;
            }

            var task = lease.Item.TaskId;
            var attempt = (await q.TaskAsync(run.Id, task)).TryNumber;
            switch (new Random((seed * 100 + int.Parse(task[1..], System.Globalization.CultureInfo.InvariantCulture)) * 10 + attempt).Next(6))
            {
                case 0:
                    Assert.True(await q.Queue.FinishAsync(lease, Scope(s => rules.AttemptFailed(s, task, "w", "boom", retryable: true)), CancellationToken.None));
                    break;
                case 1:
                    Assert.True(await q.Queue.FinishAsync(lease, Scope(s => rules.AttemptFailed(s, task, "w", "bad input", retryable: false)), CancellationToken.None));
                    break;
                case 2:
                    q.Clock.Advance(TimeSpan.FromMinutes(1));
                    var expired = Assert.Single(await q.Queue.ExpiredLeasesAsync(CancellationToken.None));
                    Assert.True(await q.Queue.FinishAsync(expired, Scope(s => rules.LeaseLost(s, expired)), CancellationToken.None));
                    break;
                default:
                    Assert.True(await q.Queue.FinishAsync(lease, Scope(s => rules.AttemptSucceeded(s, task, "w", new TaskOutcome())), CancellationToken.None));
                    break;
            }
        }

        var events = await q.Events.ReadAsync(new EventQuery { RunId = run.Id, Types = [EventTypes.TaskStateChanged, EventTypes.RunFinished], Limit = 10_000 }, CancellationToken.None);
        var ended = (await q.Store.GetRunAsync(run.Id, CancellationToken.None))!;
        return events.Select(e => $"{e.Type} {e.TaskId} {e.Text("from")}->{e.Text("to")} {e.Text("state")} {e.Text("error")}")
            .Append($"run {StateNames.Of(ended.State)} {ended.Error}").ToList();
    }
}
