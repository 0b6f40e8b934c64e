using Microsoft.Extensions.Time.Testing;
using Sluice.Connectors;
using Sluice.Core.Tests.Support;
using Sluice.Events;
using Sluice.Execution;

namespace Sluice.Core.Tests.Execution;

/// <summary>When slots are scarce, ready tasks start by priority, highest first, then in run order.</summary>
public sealed class PriorityTests : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("sluice-core-tests-");

    public void Dispose() => _state.Delete(recursive: true);

    [Fact]
    public async Task With_one_slot_the_highest_priority_starts_first_and_equal_priorities_keep_their_order()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 3, 2, 0, 0, 0, TimeSpan.Zero));
        var events = new InMemoryEventLog();
        var runner = new PipelineRunner(new ConnectorCatalog().Add(new FlakySource(clock)), new InMemoryMetadataStore(), _state.FullName, timeProvider: clock, eventLog: events);

        var result = await runner.RunAsync(
            Pipelines.Load("""
                name: ranked
                max_parallel_tasks: 1
                tasks:
                  low: { source: flaky, output: low }
                  first_of_two: { source: flaky, output: f, priority: 3 }
                  urgent: { source: flaky, output: u, priority: 10 }
                  second_of_two: { source: flaky, output: s, priority: 3 }
                  below_default: { source: flaky, output: b, priority: -1 }
                """),
            new RunRequest { LogicalDate = new DateOnly(2024, 3, 1) });

        Assert.True(result.Succeeded, result.Run.Error);
        var started = events.Events.Where(e => e.Type == EventTypes.TaskStateChanged && e.Text("to") == "running").Select(e => e.TaskId).ToList();
        Assert.Equal(["urgent", "first_of_two", "second_of_two", "low", "below_default"], started);
    }
}
