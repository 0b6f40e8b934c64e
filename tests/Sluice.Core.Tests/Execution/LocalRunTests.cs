using Microsoft.Extensions.Time.Testing;
using Sluice.Connectors;
using Sluice.Core.Tests.Support;
using Sluice.Events;
using Sluice.Execution;
using Sluice.State;

namespace Sluice.Core.Tests.Execution;

/// <summary>
/// The local mode on a fake clock: retry waits are stored times that the clock reaches, not sleeps,
/// and the event log tells the whole story of the run. No CLI, no DuckDB.
/// </summary>
public sealed class LocalRunTests : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("sluice-core-tests-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 3, 2, 2, 0, 0, TimeSpan.Zero));
    private readonly InMemoryMetadataStore _store = new();
    private readonly InMemoryEventLog _events = new();

    public void Dispose() => _state.Delete(recursive: true);

    /// <summary>Runs the pipeline, moving the fake clock on whenever the run is waiting.</summary>
    private async Task<(RunResult Result, FlakySource Source)> RunAsync(string yaml)
    {
        var source = new FlakySource(_clock);
        var runner = new PipelineRunner(new ConnectorCatalog().Add(source), _store, _state.FullName, timeProvider: _clock, eventLog: _events);
        var run = runner.RunAsync(Pipelines.Load(yaml), new RunRequest { LogicalDate = new DateOnly(2024, 3, 1) });
        for (var step = 0; !run.IsCompleted && step < 50_000; step++)
        {
            await Task.Delay(2);
            _clock.Advance(TimeSpan.FromMilliseconds(200));
        }

        return (await run, source);
    }

    [Fact]
    public async Task A_retry_starts_when_the_clock_reaches_its_stored_time_with_backoff()
    {
        var (result, source) = await RunAsync("""
            name: flaky
            tasks:
              a:
                source: flaky
                output: a
                retries: 3
                retry_delay: 10s
                retry_backoff: 3
                with: { fail_times: 2 }
            """);

        Assert.True(result.Succeeded, result.Run.Error);
        var attempts = source.AttemptsOf("a");
        Assert.Equal(3, attempts.Count);
        // Never before the stored time; the clock moves on in small steps, so a little after it.
        Assert.InRange((attempts[1] - attempts[0]).TotalSeconds, 10, 15);
        Assert.InRange((attempts[2] - attempts[1]).TotalSeconds, 30, 35);
        Assert.Equal(3, result.Tasks.Single().TryNumber);
    }

    [Fact]
    public async Task Bad_data_is_not_retried_and_its_downstream_is_upstream_failed()
    {
        var (result, source) = await RunAsync("""
            name: bad
            tasks:
              a:
                source: flaky
                output: a
                retries: 5
                with: { fail_times: 9, permanent: true, error: amount is missing }
              b:
                source: flaky
                output: b
                depends_on: [a]
            """);

        Assert.False(result.Succeeded);
        Assert.Single(source.AttemptsOf("a"));
        Assert.Equal(TaskState.UpstreamFailed, result.Tasks.Single(t => t.TaskId == "b").State);
        Assert.Equal(RunState.Failed, _store.FinishedState);
        Assert.Contains("amount is missing", result.Run.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_event_log_holds_each_state_change_once_in_order_with_the_whole_error()
    {
        var (result, _) = await RunAsync("""
            name: story
            tasks:
              a:
                source: flaky
                output: a
                retries: 1
                retry_delay: 5s
                with: { fail_times: 1, error: "the API answered 503 Service Unavailable for /orders?page=1 after 30s" }
              b:
                source: flaky
                output: b
                depends_on: [a]
            """);

        Assert.True(result.Succeeded, result.Run.Error);
        var events = _events.Events;
        Assert.Equal(EventTypes.RunStarted, events[0].Type);
        Assert.Equal(EventTypes.RunFinished, events[^1].Type);
        Assert.Equal("success", events[^1].Text("state"));
        var changes = events.Where(e => e.Type == EventTypes.TaskStateChanged && e.TaskId == "a").Select(e => e.Text("to")).ToList();
        Assert.Equal(["pending", "running", "up_for_retry", "running", "success"], changes);
        var retry = events.Single(e => e.Type == EventTypes.TaskStateChanged && e.Text("to") == "up_for_retry");
        Assert.Equal("IOException: the API answered 503 Service Unavailable for /orders?page=1 after 30s", retry.Text("error"));
        Assert.Equal(1, events.Count(e => e.Type == EventTypes.TaskStateChanged && e.TaskId == "b" && e.Text("to") == "success"));
        Assert.True(events.Select(e => e.Timestamp).SequenceEqual(events.Select(e => e.Timestamp).Order()));
    }

    [Fact]
    public async Task An_empty_interval_is_an_event_for_the_alerts_unless_the_task_says_it_is_normal()
    {
        var (result, _) = await RunAsync("""
            name: quiet
            tasks:
              orders: { source: flaky, output: orders, with: { rows: 0 } }
              refunds: { source: flaky, output: refunds, on_empty: ok, with: { rows: 0 } }
              customers: { source: flaky, output: customers, with: { rows: 12 } }
            """);

        Assert.True(result.Succeeded, result.Run.Error);
        var empty = Assert.Single(_events.Events, e => e.Type == EventTypes.EmptyInterval);
        Assert.Equal("orders", empty.TaskId);
        Assert.Equal("warn", empty.Text("policy"));
        Assert.Equal("orders", empty.Text("dataset"));
    }
}
