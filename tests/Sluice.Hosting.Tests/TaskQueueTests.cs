using Sluice.Connectors;
using Sluice.Events;
using Sluice.Queue;
using Sluice.State;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.Hosting.Tests;

/// <summary>
/// The task queue of each store on a fake clock: one lease per task instance, expired leases come back as
/// counted attempts, heartbeats keep a lease, outcomes enqueue the downstream in the same transaction,
/// and a stopping worker hands back what it cannot finish.
/// </summary>
public abstract class TaskQueueTests(StoreKind kind) : IAsyncLifetime
{
    private QueueFixture _q = null!;

    public async Task InitializeAsync() => _q = await QueueFixture.CreateAsync(kind);

    public async Task DisposeAsync() => await _q.DisposeAsync();

    private static readonly string Chain = "  a: { source: noop, output: a, retries: 1, retry_delay: 10s }\n  b: { source: noop, output: b, depends_on: [a] }\n";

    [Fact]
    public async Task Workers_racing_from_separate_connections_get_each_task_instance_once()
    {
        var (run, _) = await _q.StartAsync(QueueFixture.Pipeline("  a: { source: noop, output: a }\n  b: { source: noop, output: b }\n  c: { source: noop, output: c }\n"));
        var queues = new List<ITaskQueue>();
        for (var i = 0; i < 4; i++)
        {
            queues.Add((ITaskQueue)await _q.OpenAnotherAsync());
        }

        var claims = await Task.WhenAll(Enumerable.Range(0, 12).Select(i => Task.Run(() => QueueFixture.ClaimAsync(queues[i % 4], $"w{i}"))));

        var leases = claims.OfType<TaskLease>().ToList();
        Assert.Equal(["a", "b", "c"], leases.Select(l => l.Item.TaskId).Order());
        Assert.All(await _q.Store.ListTasksAsync(run.Id, CancellationToken.None), t => Assert.Equal((TaskState.Running, 1), (t.State, t.TryNumber)));
        Assert.Null(await QueueFixture.ClaimAsync(_q.Queue, "late"));
    }

    [Fact]
    public async Task An_expired_lease_is_requeued_at_the_retry_time_as_a_counted_attempt_and_the_old_result_is_refused()
    {
        var (run, rules) = await _q.StartAsync(QueueFixture.Pipeline(Chain));
        var first = (await QueueFixture.ClaimAsync(_q.Queue, "w1"))!;

        _q.Clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Empty(await _q.Queue.ExpiredLeasesAsync(CancellationToken.None));
        _q.Clock.Advance(TimeSpan.FromSeconds(2));
        var expired = Assert.Single(await _q.Queue.ExpiredLeasesAsync(CancellationToken.None));
        Assert.True(await _q.Queue.FinishAsync(expired, s => rules.LeaseLost(s, expired), CancellationToken.None));

        var lost = await _q.TaskAsync(run.Id, "a");
        Assert.Equal(TaskState.UpForRetry, lost.State);
        Assert.Equal(1, lost.TryNumber);
        Assert.StartsWith("worker lost: worker 'w1' stopped renewing its lease on attempt 1", lost.Error, StringComparison.Ordinal);
        Assert.Equal(_q.Clock.GetUtcNow().AddSeconds(10), lost.NextAttemptAt);
        Assert.Null(await QueueFixture.ClaimAsync(_q.Queue, "w2"));

        _q.Clock.Advance(TimeSpan.FromSeconds(10));
        var second = (await QueueFixture.ClaimAsync(_q.Queue, "w2"))!;
        Assert.Equal(2, (await _q.TaskAsync(run.Id, "a")).TryNumber);
        // The first worker comes back to life: its renewal and its result are refused.
        Assert.False(await _q.Queue.RenewAsync(first, TimeSpan.FromSeconds(30), CancellationToken.None));
        Assert.False(await _q.Queue.FinishAsync(first, s => rules.AttemptSucceeded(s, "a", "w1", new TaskOutcome()), CancellationToken.None));
        Assert.True(await _q.Queue.FinishAsync(second, s => rules.AttemptSucceeded(s, "a", "w2", new TaskOutcome()), CancellationToken.None));

        var events = await _q.Events.ReadAsync(new EventQuery { RunId = run.Id, Types = [EventTypes.TaskStateChanged] }, CancellationToken.None);
        var successes = events.Where(e => e.TaskId == "a" && e.Text("to") == "success").ToList();
        Assert.Equal("w2", Assert.Single(successes).Text("worker"));
    }

    [Fact]
    public async Task A_lost_worker_with_no_retries_left_fails_the_task_as_worker_lost_and_finishes_the_run()
    {
        var (run, rules) = await _q.StartAsync(QueueFixture.Pipeline("  a: { source: noop, output: a }\n  b: { source: noop, output: b, depends_on: [a] }\n"));
        await QueueFixture.ClaimAsync(_q.Queue, "w1");
        _q.Clock.Advance(TimeSpan.FromMinutes(1));
        var expired = Assert.Single(await _q.Queue.ExpiredLeasesAsync(CancellationToken.None));

        await _q.Queue.FinishAsync(expired, s => rules.LeaseLost(s, expired), CancellationToken.None);

        var a = await _q.TaskAsync(run.Id, "a");
        Assert.Equal(TaskState.Failed, a.State);
        Assert.Contains("worker lost: worker 'w1'", a.Error, StringComparison.Ordinal);
        Assert.Equal(TaskState.UpstreamFailed, (await _q.TaskAsync(run.Id, "b")).State);
        var finished = (await _q.Store.GetRunAsync(run.Id, CancellationToken.None))!;
        Assert.Equal(RunState.Failed, finished.State);
        Assert.Contains("task 'a' failed: worker lost", finished.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Heartbeats_keep_a_lease_past_its_length_and_it_expires_once_they_stop()
    {
        await _q.StartAsync(QueueFixture.Pipeline(Chain));
        var lease = (await QueueFixture.ClaimAsync(_q.Queue, "w1"))!;
        for (var beat = 0; beat < 12; beat++)
        {
            _q.Clock.Advance(TimeSpan.FromSeconds(10));
            Assert.True(await _q.Queue.RenewAsync(lease, TimeSpan.FromSeconds(30), CancellationToken.None));
            Assert.Empty(await _q.Queue.ExpiredLeasesAsync(CancellationToken.None));
        }

        _q.Clock.Advance(TimeSpan.FromSeconds(31));
        Assert.Single(await _q.Queue.ExpiredLeasesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Finishing_a_task_enqueues_its_downstream_in_the_same_transaction_and_the_last_finishes_the_run()
    {
        var (run, rules) = await _q.StartAsync(QueueFixture.Pipeline(Chain));
        var a = (await QueueFixture.ClaimAsync(_q.Queue, "w1"))!;
        Assert.Null(await QueueFixture.ClaimAsync(_q.Queue, "w2"));

        await _q.Queue.FinishAsync(a, s => rules.AttemptSucceeded(s, "a", "w1", new TaskOutcome()), CancellationToken.None);
        var b = (await QueueFixture.ClaimAsync(_q.Queue, "w2"))!;
        Assert.Equal("b", b.Item.TaskId);
        await _q.Queue.FinishAsync(b, s => rules.AttemptSucceeded(s, "b", "w2", new TaskOutcome()), CancellationToken.None);

        Assert.Equal(RunState.Success, (await _q.Store.GetRunAsync(run.Id, CancellationToken.None))!.State);
        var finished = await _q.Events.ReadAsync(new EventQuery { RunId = run.Id, Types = [EventTypes.RunFinished] }, CancellationToken.None);
        Assert.Equal("success", Assert.Single(finished).Text("state"));
    }

    [Fact]
    public async Task A_stopping_worker_hands_back_an_attempt_it_cannot_finish_in_its_grace_period_uncounted()
    {
        var (run, _) = await _q.StartAsync(QueueFixture.Pipeline("  slow: { source: noop, output: a, with: { takes: 10m } }\n"));
        var source = new NoopSource(_q.Clock);
        var worker = new TaskWorker(
            new ConnectorCatalog().Add(source), _q.Store, _q.Queue, _q.State.FullName,
            new WorkerOptions { Name = "w1", ShutdownGrace = TimeSpan.FromSeconds(30) }, time: _q.Clock, resolvePipeline: _ => QueueFixture.Pipeline("  slow: { source: noop, output: a, with: { takes: 10m } }\n"));
        using var stop = new CancellationTokenSource();
        var working = worker.RunAsync(stop.Token);
        await WorkerDriving.UntilAsync(_q.Clock, async () => (await _q.TaskAsync(run.Id, "slow")).State == TaskState.Running);

        await stop.CancelAsync();
        await WorkerDriving.UntilAsync(_q.Clock, () => Task.FromResult(working.IsCompleted), step: TimeSpan.FromSeconds(5));
        await working;

        var handedBack = await _q.TaskAsync(run.Id, "slow");
        Assert.Equal((TaskState.Pending, 0), (handedBack.State, handedBack.TryNumber));
        var next = await QueueFixture.ClaimAsync(_q.Queue, "w2");
        Assert.Equal("slow", next?.Item.TaskId);
        Assert.Equal(1, (await _q.TaskAsync(run.Id, "slow")).TryNumber);
    }

    [Fact]
    public async Task A_stopping_worker_finishes_an_attempt_that_ends_within_its_grace_period()
    {
        var pipeline = QueueFixture.Pipeline("  quick: { source: noop, output: a, with: { takes: 20s } }\n");
        var (run, _) = await _q.StartAsync(pipeline);
        var source = new NoopSource(_q.Clock);
        var worker = new TaskWorker(
            new ConnectorCatalog().Add(source), _q.Store, _q.Queue, _q.State.FullName,
            new WorkerOptions { Name = "w1", ShutdownGrace = TimeSpan.FromSeconds(30) }, time: _q.Clock, resolvePipeline: _ => pipeline);
        using var stop = new CancellationTokenSource();
        var working = worker.RunAsync(stop.Token);
        // Until the attempt itself is under way (its 20 s counted from now), not only claimed: on a busy
        // machine the clock could otherwise run through the grace period before the attempt starts.
        await WorkerDriving.UntilAsync(_q.Clock, async () => source.MaxConcurrent == 1 && (await _q.TaskAsync(run.Id, "quick")).State == TaskState.Running, step: TimeSpan.Zero);
        await Task.Delay(50);

        await stop.CancelAsync();
        // One jump past the attempt's end, still inside the grace period, then real time to record it:
        // in 5 s steps the grace period could run out while a loaded machine was still recording.
        _q.Clock.Advance(TimeSpan.FromSeconds(21));
        await WorkerDriving.UntilAsync(_q.Clock, async () => (await _q.TaskAsync(run.Id, "quick")).State == TaskState.Success, step: TimeSpan.Zero);
        await WorkerDriving.UntilAsync(_q.Clock, () => Task.FromResult(working.IsCompleted), step: TimeSpan.FromSeconds(5));
        await working;

        Assert.Equal(TaskState.Success, (await _q.TaskAsync(run.Id, "quick")).State);
        Assert.Equal(RunState.Success, (await _q.Store.GetRunAsync(run.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_scheduler_sending_its_runs_to_the_queue_leaves_their_tasks_to_the_workers()
    {
        var pipeline = QueueFixture.Pipeline("  a: { source: noop, output: a }\n", "schedule: \"0 2 * * *\"\nstart_date: 2024-03-01\nend_date: 2024-03-01");
        var catalog = new ConnectorCatalog().Add(new NoopSource(_q.Clock));
        var scheduler = new PipelineScheduler(_q.Store, _q.Events, new Execution.PipelineRunner(catalog, _q.Store, _q.State.FullName, timeProvider: _q.Clock), _q.Clock) { Queued = true };
        var worker = new TaskWorker(catalog, _q.Store, _q.Queue, _q.State.FullName, new WorkerOptions { Name = "w1" }, time: _q.Clock, resolvePipeline: _ => pipeline);
        using var stop = new CancellationTokenSource();
        var working = worker.RunAsync(stop.Token);

        var run = Assert.Single(await scheduler.TickAsync([pipeline], CancellationToken.None));
        // Until the coordinating runner (which sleeps on the fake clock) has seen the end too.
        await WorkerDriving.UntilAsync(_q.Clock, () => Task.FromResult(scheduler.Running.All(r => r.IsCompleted)));
        await stop.CancelAsync();
        await working;

        Assert.Equal(RunState.Success, (await _q.Store.GetRunAsync(run.Id, CancellationToken.None))!.State);
        var events = await _q.Events.ReadAsync(new EventQuery { RunId = run.Id, Types = [EventTypes.TaskStateChanged] }, CancellationToken.None);
        Assert.Equal("w1", Assert.Single(events, e => e.Text("to") == "success").Text("worker"));
    }
}

public sealed class SqliteTaskQueueTests() : TaskQueueTests(StoreKind.Sqlite);

public sealed class PostgresTaskQueueTests() : TaskQueueTests(StoreKind.Postgres);
