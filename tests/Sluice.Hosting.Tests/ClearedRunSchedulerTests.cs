using Microsoft.Extensions.Time.Testing;
using Sluice.Connectors;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.State;
using Sluice.Yaml;

namespace Sluice.Hosting.Tests;

/// <summary>An interval cleared by <c>sluice clear</c> is due again: the scheduler's next pass runs it once more, and only once.</summary>
public sealed class ClearedRunSchedulerTests : IAsyncLifetime
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("sluice-cleared-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 3, 2, 12, 0, 0, TimeSpan.Zero));
    private SqliteMetadataStore _store = null!;

    public async Task InitializeAsync() =>
        _store = await SqliteMetadataStore.OpenAsync(Path.Combine(_state.FullName, "sluice.db"), CancellationToken.None, _clock);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _state.Delete(recursive: true);
    }

    [Fact]
    public async Task The_next_pass_after_a_clear_runs_the_cleared_interval_again_and_the_one_after_does_not()
    {
        var pipeline = PipelineYamlLoader.Load(
            "name: daily\nschedule: \"0 2 * * *\"\nstart_date: 2024-03-01\ncatchup: false\ntasks:\n  a: { source: noop, output: a }\n  b: { source: noop, output: b, depends_on: [a] }\n",
            "daily.yaml",
            Path.GetTempPath());
        var source = new NoopSource(_clock);
        var scheduler = new PipelineScheduler(_store, _store, new PipelineRunner(new ConnectorCatalog().Add(source), _store, _state.FullName, timeProvider: _clock), _clock);
        async Task<IReadOnlyList<RunRecord>> TickAsync()
        {
            var started = await scheduler.TickAsync([pipeline], CancellationToken.None);
            await Task.WhenAll(scheduler.Running);
            return started;
        }

        var first = Assert.Single(await TickAsync());
        var plan = await RunClearing.PlanAsync(_store, pipeline, RunClearing.Select(pipeline, ["b"], downstream: false), first.LogicalDate, first.LogicalDate, CancellationToken.None);
        await RunClearing.ApplyAsync(_store, plan, _clock, CancellationToken.None);

        var again = Assert.Single(await TickAsync());
        var after = await TickAsync();

        Assert.Equal(first.LogicalDate, again.LogicalDate);
        Assert.Equal("scheduled", again.Trigger);
        Assert.Empty(after);
        Assert.Equal(RunState.Success, (await _store.GetRunAsync(again.Id, CancellationToken.None))!.State);
        Assert.All(await _store.ListTasksAsync(again.Id, CancellationToken.None), t => Assert.Equal(TaskState.Success, t.State));
        Assert.Equal(4, source.Runs);
    }
}
