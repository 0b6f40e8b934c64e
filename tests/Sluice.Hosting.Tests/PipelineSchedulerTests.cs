using Microsoft.Extensions.Time.Testing;
using Sluice.Connectors;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Model;
using Sluice.State;
using Sluice.Yaml;

namespace Sluice.Hosting.Tests;

/// <summary>
/// The scheduler on a fake clock over a real SQLite store: each due interval runs exactly once, across
/// restarts too; max_active_runs holds; paused pipelines wait; SLA misses are emitted once while late.
/// </summary>
public sealed class PipelineSchedulerTests : IAsyncLifetime
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("sluice-scheduler-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero));
    private SqliteMetadataStore _store = null!;
    private NoopSource _source = null!;

    public async Task InitializeAsync()
    {
        _store = await SqliteMetadataStore.OpenAsync(Path.Combine(_state.FullName, "sluice.db"), CancellationToken.None, _clock);
        _source = new NoopSource(_clock);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _state.Delete(recursive: true);
    }

    private static PipelineDefinition Pipeline(string header, string takes = "0s") =>
        PipelineYamlLoader.Load($"name: daily\nschedule: \"0 2 * * *\"\nstart_date: 2024-03-01\n{header}\ntasks:\n  a: {{ source: noop, output: a, with: {{ takes: {takes} }} }}\n", "daily.yaml", Path.GetTempPath());

    private PipelineScheduler Scheduler() =>
        new(_store, _store, new PipelineRunner(new ConnectorCatalog().Add(_source), _store, _state.FullName, timeProvider: _clock), _clock);

    /// <summary>
    /// Moves the clock on in steps, ticking the scheduler at each and letting its runs finish; returns
    /// the time of the last tick, which decides what should have run.
    /// </summary>
    private async Task<DateTimeOffset> DriveAsync(PipelineScheduler scheduler, PipelineDefinition pipeline, TimeSpan span, TimeSpan step)
    {
        var lastTick = _clock.GetUtcNow();
        for (var elapsed = TimeSpan.Zero; elapsed <= span; elapsed += step)
        {
            if (elapsed > TimeSpan.Zero)
            {
                _clock.Advance(step);
            }

            lastTick = _clock.GetUtcNow();
            await scheduler.TickAsync([pipeline], CancellationToken.None);
            for (var wait = 0; wait < 200 && scheduler.Running.Count > 0; wait++)
            {
                await Task.WhenAny(Task.WhenAll(scheduler.Running), Task.Delay(20));
                _clock.Advance(TimeSpan.FromMinutes(1));
            }
        }

        await Task.WhenAll(scheduler.Running);
        return lastTick;
    }

    private async Task<IReadOnlyList<RunRecord>> RunsAsync() =>
        await _store.ListRunsAsync("daily", new DateOnly(2024, 1, 1), new DateOnly(2025, 1, 1), CancellationToken.None);

    [Fact]
    public async Task Every_interval_runs_exactly_once_through_catch_up_and_a_restart()
    {
        var pipeline = Pipeline("max_active_runs: 3");
        _clock.SetUtcNow(new DateTimeOffset(2024, 3, 6, 12, 0, 0, TimeSpan.Zero));

        await DriveAsync(Scheduler(), pipeline, TimeSpan.FromHours(2), TimeSpan.FromMinutes(10));
        // A new scheduler over the same store (a restart) carries on without repeating anything.
        var lastTick = await DriveAsync(Scheduler(), pipeline, TimeSpan.FromDays(3), TimeSpan.FromHours(1));

        var runs = await RunsAsync();
        var dates = runs.Select(r => r.LogicalDate).Order().ToList();
        var expected = Scheduling.ScheduleCalendar.For(pipeline)!.DueBy(lastTick);
        Assert.True(expected.Count >= 8, $"{expected.Count} intervals due by {lastTick}");
        Assert.Equal(expected, dates);
        Assert.All(runs, r => Assert.Equal(RunState.Success, r.State));
        Assert.All(runs, r => Assert.Equal("scheduled", r.Trigger));
        Assert.Equal(expected.Count, _source.Runs);
    }

    [Fact]
    public async Task Max_active_runs_caps_the_runs_in_progress()
    {
        var pipeline = Pipeline("max_active_runs: 2", takes: "30m");
        _clock.SetUtcNow(new DateTimeOffset(2024, 3, 8, 12, 0, 0, TimeSpan.Zero));
        var scheduler = Scheduler();

        var first = await scheduler.TickAsync([pipeline], CancellationToken.None);
        var second = await scheduler.TickAsync([pipeline], CancellationToken.None);
        var lastTick = await DriveAsync(scheduler, pipeline, TimeSpan.FromHours(6), TimeSpan.FromMinutes(5));

        Assert.Equal(2, first.Count);
        Assert.Empty(second);
        Assert.Equal(2, _source.MaxConcurrent);
        Assert.Equal(Scheduling.ScheduleCalendar.For(pipeline)!.DueBy(lastTick).Count, (await RunsAsync()).Count);
    }

    [Fact]
    public async Task A_paused_pipeline_starts_nothing_until_unpaused()
    {
        var pipeline = Pipeline("catchup: false");
        _clock.SetUtcNow(new DateTimeOffset(2024, 3, 8, 12, 0, 0, TimeSpan.Zero));
        await _store.SetPausedAsync("daily", true, CancellationToken.None);

        var whilePaused = await Scheduler().TickAsync([pipeline], CancellationToken.None);
        await _store.SetPausedAsync("daily", false, CancellationToken.None);
        var scheduler = Scheduler();
        var afterwards = await scheduler.TickAsync([pipeline], CancellationToken.None);
        await Task.WhenAll(scheduler.Running);

        Assert.Empty(whilePaused);
        Assert.Equal([new DateOnly(2024, 3, 7)], afterwards.Select(r => r.LogicalDate));
    }

    [Fact]
    public async Task A_missed_deadline_is_emitted_once_while_the_interval_is_still_late()
    {
        var pipeline = Pipeline("catchup: false\nsla: { deadline: 3h }", takes: "10h");
        _clock.SetUtcNow(new DateTimeOffset(2024, 3, 2, 2, 0, 0, TimeSpan.Zero));
        var scheduler = Scheduler();

        for (var hour = 0; hour < 8; hour++)
        {
            await scheduler.TickAsync([pipeline], CancellationToken.None);
            _clock.Advance(TimeSpan.FromHours(1));
            await Task.Delay(20);
        }

        var misses = await _store.ReadAsync(new EventQuery { Types = [EventTypes.SlaMissed] }, CancellationToken.None);
        var run = Assert.Single(await RunsAsync());

        var miss = Assert.Single(misses);
        Assert.Equal(new DateOnly(2024, 3, 1), miss.LogicalDate);
        Assert.Equal("deadline", miss.Text("kind"));
        Assert.Equal(RunState.Running, run.State);
        Assert.True(miss.Timestamp > new DateTimeOffset(2024, 3, 2, 3, 0, 0, TimeSpan.Zero), $"emitted at {miss.Timestamp}");
        Assert.True(miss.Timestamp <= new DateTimeOffset(2024, 3, 2, 4, 0, 0, TimeSpan.Zero), $"emitted at {miss.Timestamp}, not as soon as it was late");
        _clock.Advance(TimeSpan.FromHours(10));
        await Task.WhenAll(scheduler.Running);
    }
}
