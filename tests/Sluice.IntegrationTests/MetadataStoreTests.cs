using System.Diagnostics;
using System.Text.Json.Nodes;
using Sluice.Events;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>
/// What every metadata store must do, run against SQLite and PostgreSQL alike: hold each interval for
/// one run, give a scheduler's claim to exactly one claimer, mark dead runs abandoned, keep the event
/// log in order and wake its followers. Each store a test opens stands for another process.
/// </summary>
public abstract class MetadataStoreTests : IAsyncLifetime
{
    /// <summary>A new connection to the test's store, as another process would open it.</summary>
    protected abstract Task<IMetadataStore> OpenAsync();

    public virtual Task InitializeAsync() => Task.CompletedTask;

    public virtual Task DisposeAsync() => Task.CompletedTask;

    protected static RunRecord Run(DateOnly date, int? processId = null, DateTimeOffset? heartbeat = null, string? host = null, string pipeline = "p") => new()
    {
        Pipeline = pipeline,
        LogicalDate = date,
        IntervalStart = date.ToDateTime(TimeOnly.MinValue),
        IntervalEnd = date.AddDays(1).ToDateTime(TimeOnly.MinValue),
        StartedAt = DateTimeOffset.UtcNow,
        HeartbeatAt = heartbeat ?? DateTimeOffset.UtcNow,
        Host = host ?? RunLiveness.HostName,
        ProcessId = processId ?? Environment.ProcessId,
        Trigger = "scheduled",
    };

    /// <summary>The pid of a process that has exited.</summary>
    private static async Task<int> DeadProcessAsync()
    {
        using var process = Process.Start("true")!;
        await process.WaitForExitAsync();
        return process.Id;
    }

    [Fact]
    public async Task Two_stores_cannot_both_start_the_same_interval()
    {
        await using var one = await OpenAsync();
        await using var two = await OpenAsync();
        var date = new DateOnly(2024, 3, 1);

        var first = await one.StartRunAsync(Run(date), CancellationToken.None);
        var refused = await Assert.ThrowsAsync<RunConflictException>(() => two.StartRunAsync(Run(date), CancellationToken.None));
        var otherDay = await two.StartRunAsync(Run(date.AddDays(1)), CancellationToken.None);
        await one.FinishRunAsync(first.Id, RunState.Success, null, CancellationToken.None);
        var afterwards = await two.StartRunAsync(Run(date), CancellationToken.None);

        Assert.Equal(first.Id, refused.Other.Id);
        Assert.NotEqual(first.Id, otherDay.Id);
        Assert.True(afterwards.Id > otherDay.Id);
    }

    [Fact]
    public async Task Many_schedulers_claiming_the_same_intervals_at_once_get_each_interval_exactly_once()
    {
        const int Claimers = 8;
        var dates = Enumerable.Range(0, 5).Select(i => new DateOnly(2024, 3, 1).AddDays(i)).ToList();
        var stores = new List<IMetadataStore>();
        for (var i = 0; i < Claimers; i++)
        {
            stores.Add(await OpenAsync());
        }

        try
        {
            using var start = new ManualResetEventSlim();
            var claims = stores.Select(store => Task.Run(async () =>
            {
                start.Wait();
                var won = new List<RunRecord>();
                foreach (var date in dates)
                {
                    if (await store.ClaimIntervalAsync(Run(date), CancellationToken.None) is { } claimed)
                    {
                        won.Add(claimed);
                    }
                }

                return won;
            })).ToList();
            start.Set();
            var won = (await Task.WhenAll(claims)).SelectMany(w => w).ToList();
            var recorded = await stores[0].ListRunsAsync("p", dates[0], dates[^1], CancellationToken.None);

            Assert.Equal(dates, won.Select(r => r.LogicalDate).Order());
            Assert.Equal(dates, recorded.Select(r => r.LogicalDate).Order());
            Assert.Equal(won.Select(r => r.Id).Order(), recorded.Select(r => r.Id).Order());
        }
        finally
        {
            foreach (var store in stores)
            {
                await store.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_claim_is_refused_for_an_interval_that_has_any_run_but_given_for_another_pipeline()
    {
        await using var store = await OpenAsync();
        var date = new DateOnly(2024, 3, 1);
        var failed = await store.StartRunAsync(Run(date), CancellationToken.None);
        await store.FinishRunAsync(failed.Id, RunState.Failed, "boom", CancellationToken.None);

        var again = await store.ClaimIntervalAsync(Run(date), CancellationToken.None);
        var other = await store.ClaimIntervalAsync(Run(date, pipeline: "q"), CancellationToken.None);

        Assert.Null(again);
        Assert.NotNull(other);
        Assert.Equal("boom", (await store.GetRunAsync(failed.Id, CancellationToken.None))!.Error);
    }

    [Fact]
    public async Task A_run_on_another_host_whose_heartbeat_stopped_is_abandoned_but_a_fresh_one_is_not()
    {
        await using var store = await OpenAsync();
        var date = new DateOnly(2024, 3, 1);
        var fresh = await store.StartRunAsync(Run(date, processId: 1, host: "worker-2"), CancellationToken.None);
        await Assert.ThrowsAsync<RunConflictException>(() => store.StartRunAsync(Run(date), CancellationToken.None));
        await store.FinishRunAsync(fresh.Id, RunState.Success, null, CancellationToken.None);
        var silent = await store.StartRunAsync(Run(date, processId: 1, host: "worker-2", heartbeat: DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5)), CancellationToken.None);

        var next = await store.StartRunAsync(Run(date), CancellationToken.None);

        Assert.NotEqual(silent.Id, next.Id);
        Assert.Equal(RunState.Abandoned, (await store.GetRunAsync(silent.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_heartbeat_keeps_a_run_of_another_host_alive()
    {
        await using var store = await OpenAsync();
        var date = new DateOnly(2024, 3, 1);
        var run = await store.StartRunAsync(Run(date, processId: 1, host: "worker-2", heartbeat: DateTimeOffset.UtcNow - TimeSpan.FromMinutes(5)), CancellationToken.None);

        await store.HeartbeatAsync(run.Id, DateTimeOffset.UtcNow, CancellationToken.None);

        await Assert.ThrowsAsync<RunConflictException>(() => store.StartRunAsync(Run(date), CancellationToken.None));
        Assert.Equal(RunState.Running, (await store.GetRunAsync(run.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_run_whose_process_died_is_abandoned_once_and_frees_its_interval()
    {
        await using var store = await OpenAsync();
        await using var other = await OpenAsync();
        var date = new DateOnly(2024, 3, 1);
        var silent = await store.StartRunAsync(Run(date, processId: await DeadProcessAsync()), CancellationToken.None);
        await store.SaveTaskAsync(new TaskInstanceRecord { RunId = silent.Id, TaskId = "extract", State = TaskState.Running, TryNumber = 1 }, CancellationToken.None);

        // Two readers reap at once; the run is marked, and its event written, once.
        await Task.WhenAll(store.ListRunsAsync(null, 10, CancellationToken.None), other.ListRunsAsync(null, 10, CancellationToken.None));
        var next = await store.StartRunAsync(Run(date), CancellationToken.None);
        var old = await store.GetRunAsync(silent.Id, CancellationToken.None);
        var task = Assert.Single(await store.ListTasksAsync(silent.Id, CancellationToken.None));
        var events = await EventLogs.Of(store).ReadAsync(new EventQuery { RunId = silent.Id }, CancellationToken.None);

        Assert.NotEqual(silent.Id, next.Id);
        Assert.Equal(RunState.Abandoned, old!.State);
        Assert.StartsWith("abandoned: process", old.Error, StringComparison.Ordinal);
        Assert.Equal(TaskState.Failed, task.State);
        Assert.Equal("abandoned", Assert.Single(events).Text("state"));
    }

    [Fact]
    public async Task Task_states_are_saved_updated_and_listed_in_the_order_they_started()
    {
        await using var store = await OpenAsync();
        var run = await store.StartRunAsync(Run(new DateOnly(2024, 3, 1)), CancellationToken.None);
        var at = new DateTimeOffset(2024, 3, 2, 2, 0, 0, TimeSpan.FromHours(1));
        await store.SaveTaskAsync(new TaskInstanceRecord { RunId = run.Id, TaskId = "extract", State = TaskState.Running, TryNumber = 1, StartedAt = at }, CancellationToken.None);
        await store.SaveTaskAsync(new TaskInstanceRecord { RunId = run.Id, TaskId = "load", State = TaskState.Pending }, CancellationToken.None);
        await store.SaveTaskAsync(
            new TaskInstanceRecord { RunId = run.Id, TaskId = "extract", State = TaskState.UpForRetry, TryNumber = 2, StartedAt = at, EndedAt = at.AddSeconds(3), RowsRead = 5, RowsWritten = 4, RowsQuarantined = 1, Reused = true, Error = "x", NextAttemptAt = at.AddMinutes(1) },
            CancellationToken.None);

        var tasks = await store.ListTasksAsync(run.Id, CancellationToken.None);
        var latest = await store.LatestRunAsync("p", new DateOnly(2024, 3, 1), CancellationToken.None);

        Assert.Equal(["extract", "load"], tasks.Select(t => t.TaskId));
        Assert.Equal(TaskState.UpForRetry, tasks[0].State);
        Assert.Equal((2, 5L, 4L, 1L, true, "x"), (tasks[0].TryNumber, tasks[0].RowsRead, tasks[0].RowsWritten, tasks[0].RowsQuarantined, tasks[0].Reused, tasks[0].Error));
        Assert.Equal(at.AddMinutes(1), tasks[0].NextAttemptAt);
        Assert.Equal(TimeSpan.FromSeconds(3), tasks[0].Duration);
        Assert.Equal(run.Id, latest!.Id);
    }

    [Fact]
    public async Task A_held_cursor_commits_once_from_concurrent_committers_and_supersedes_older_runs()
    {
        await using var one = await OpenAsync();
        await using var two = await OpenAsync();
        var first = (Incremental.ICursorStore)one;
        var second = (Incremental.ICursorStore)two;
        Incremental.HeldCursor Held(long run, string? expected, string next) => new()
        {
            Pipeline = "p",
            TaskId = "extract",
            RunId = run,
            Column = "updated_at",
            HeldAt = DateTimeOffset.UnixEpoch,
            Expected = expected is null ? null : Incremental.CursorValue.Parse(expected),
            Next = Incremental.CursorValue.Parse(next),
        };

        // Run 1 died before its load (held, never committed); run 2 held the same start and read further.
        await first.HoldCursorAsync(Held(1, null, "2024-01-02T00:00:00Z"), CancellationToken.None);
        await first.HoldCursorAsync(Held(2, null, "2024-01-01T00:00:00Z"), CancellationToken.None);
        await second.HoldCursorAsync(Held(2, null, "2024-01-03T00:00:00Z"), CancellationToken.None); // its retry replaces it
        Assert.Equal([(1L, "2024-01-02T00:00:00Z"), (2L, "2024-01-03T00:00:00Z")], (await second.ListHeldCursorsAsync("p", CancellationToken.None)).Select(h => (h.RunId, h.Next.Text)));

        // Two workers finishing the run's last loads at once.
        var outcomes = await Task.WhenAll(
            Task.Run(() => first.CommitHeldCursorAsync(Held(2, null, "2024-01-03T00:00:00Z"), DateTimeOffset.UnixEpoch, CancellationToken.None)),
            Task.Run(() => second.CommitHeldCursorAsync(Held(2, null, "2024-01-03T00:00:00Z"), DateTimeOffset.UnixEpoch, CancellationToken.None)));

        Assert.Equal([Incremental.CursorCommit.Committed, Incremental.CursorCommit.AlreadyCommitted], outcomes.Order());
        var committed = (await first.GetCursorAsync("p", "extract", CancellationToken.None))!;
        Assert.Equal(("2024-01-03T00:00:00Z", (long?)2), (committed.Value.Text, committed.RunId));
        Assert.Empty(await first.ListHeldCursorsAsync("p", CancellationToken.None)); // run 1's is superseded

        // A run that started from a watermark someone changed since leaves it alone.
        await first.HoldCursorAsync(Held(3, "2024-01-01T00:00:00Z", "2024-01-09T00:00:00Z"), CancellationToken.None);
        Assert.Equal(Incremental.CursorCommit.Conflict, await second.CommitHeldCursorAsync(Held(3, "2024-01-01T00:00:00Z", "2024-01-09T00:00:00Z"), DateTimeOffset.UnixEpoch, CancellationToken.None));
        Assert.Equal("2024-01-03T00:00:00Z", (await second.GetCursorAsync("p", "extract", CancellationToken.None))!.Value.Text);

        await first.HoldCursorAsync(Held(4, "2024-01-03T00:00:00Z", "2024-01-10T00:00:00Z"), CancellationToken.None);
        Assert.Equal(1, await second.ResetCursorsAsync("p", null, CancellationToken.None));
        Assert.Empty(await first.ListHeldCursorsAsync("p", CancellationToken.None));
    }

    [Fact]
    public async Task Pausing_is_seen_by_another_store_and_undone_by_unpausing()
    {
        await using var store = await OpenAsync();
        await using var other = await OpenAsync();

        await store.SetPausedAsync("p", true, CancellationToken.None);
        await store.SetPausedAsync("q", true, CancellationToken.None);
        var paused = await other.PausedPipelinesAsync(CancellationToken.None);
        await other.SetPausedAsync("p", false, CancellationToken.None);

        Assert.Equal(["p", "q"], paused.Order());
        Assert.Equal(["q"], await store.PausedPipelinesAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Events_are_kept_in_order_and_read_by_position_run_pipeline_and_type()
    {
        await using var store = await OpenAsync();
        var log = EventLogs.Of(store);
        var at = new DateTimeOffset(2024, 3, 2, 2, 0, 0, TimeSpan.Zero);
        for (var i = 0; i < 5; i++)
        {
            await log.AppendAsync(
                new RunEvent
                {
                    Timestamp = at.AddSeconds(i),
                    Type = i % 2 == 0 ? EventTypes.Log : EventTypes.Rows,
                    Pipeline = i < 4 ? "p" : "q",
                    RunId = 1 + (i % 2),
                    LogicalDate = new DateOnly(2024, 3, 1),
                    TaskId = "t",
                    Payload = new JsonObject { ["n"] = i },
                },
                CancellationToken.None);
        }

        var all = await log.ReadAsync(new EventQuery(), CancellationToken.None);
        var after = await log.ReadAsync(new EventQuery { AfterId = all[2].Id }, CancellationToken.None);
        var logs = await log.ReadAsync(new EventQuery { Types = [EventTypes.Log] }, CancellationToken.None);
        var runTwo = await log.ReadAsync(new EventQuery { RunId = 2 }, CancellationToken.None);
        var q = await log.ReadAsync(new EventQuery { Pipeline = "q" }, CancellationToken.None);
        var firstTwo = await log.ReadAsync(new EventQuery { Limit = 2 }, CancellationToken.None);

        Assert.Equal([0L, 1, 2, 3, 4], all.Select(e => e.Number("n")!.Value));
        Assert.Equal([3L, 4], after.Select(e => e.Number("n")!.Value));
        Assert.Equal([0L, 2, 4], logs.Select(e => e.Number("n")!.Value));
        Assert.Equal([1L, 3], runTwo.Select(e => e.Number("n")!.Value));
        Assert.Equal([4L], q.Select(e => e.Number("n")!.Value));
        Assert.Equal(2, firstTwo.Count);
        Assert.Equal(at.AddSeconds(4), all[^1].Timestamp);
        Assert.Equal((new DateOnly(2024, 3, 1), "t"), (all[0].LogicalDate, all[0].TaskId));
    }

    [Fact]
    public async Task Concurrent_appenders_never_leave_a_reader_behind_a_gap()
    {
        await using var store = await OpenAsync();
        await using var other = await OpenAsync();
        var appends = Enumerable.Range(0, 40).Select(i => EventLogs.Of(i % 2 == 0 ? store : other).AppendAsync(
            new RunEvent { Timestamp = DateTimeOffset.UtcNow, Type = EventTypes.Log, Payload = new JsonObject { ["n"] = i } },
            CancellationToken.None));

        var appended = await Task.WhenAll(appends);
        var read = await EventLogs.Of(store).ReadAsync(new EventQuery(), CancellationToken.None);

        Assert.Equal(appended.Select(e => e.Id).Order(), read.Select(e => e.Id));
    }

    [Fact]
    public async Task A_follower_on_another_connection_wakes_soon_after_an_append_and_times_out_without_one()
    {
        await using var writer = await OpenAsync();
        await using var follower = await OpenAsync();
        var log = EventLogs.Of(writer);
        var seen = (await log.AppendAsync(new RunEvent { Timestamp = DateTimeOffset.UtcNow, Type = EventTypes.Log }, CancellationToken.None)).Id;

        var quiet = await EventLogs.Of(follower).WaitForEventsAsync(seen, TimeSpan.FromMilliseconds(300), CancellationToken.None);
        var waiting = EventLogs.Of(follower).WaitForEventsAsync(seen, TimeSpan.FromSeconds(30), CancellationToken.None);
        var clock = Stopwatch.StartNew();
        await log.AppendAsync(new RunEvent { Timestamp = DateTimeOffset.UtcNow, Type = EventTypes.Log }, CancellationToken.None);
        var woke = await waiting;
        clock.Stop();
        Console.WriteLine($"{GetType().Name}: follower woke {clock.Elapsed.TotalMilliseconds:F0} ms after the append");

        Assert.False(quiet);
        Assert.True(woke);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(10), $"woke after {clock.Elapsed}");
    }
}
