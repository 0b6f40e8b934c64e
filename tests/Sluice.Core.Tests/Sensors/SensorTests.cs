using Microsoft.Extensions.Time.Testing;
using Sluice.Connectors;
using Sluice.Connectors.Files;
using Sluice.Core.Tests.Support;
using Sluice.Events;
using Sluice.Execution;
using Sluice.State;

namespace Sluice.Core.Tests.Sensors;

/// <summary>
/// Sensors on a fake clock: each look that finds nothing stores the next look time and frees the slot
/// (up_for_reschedule), without counting a try; the timeout fails the task, or skips it with soft_fail.
/// </summary>
public sealed class SensorTests : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("sluice-sensor-tests-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 3, 2, 2, 0, 0, TimeSpan.Zero));
    private readonly InMemoryMetadataStore _store = new();
    private readonly InMemoryEventLog _events = new();
    private readonly FlakySource _source;

    public SensorTests() => _source = new FlakySource(_clock);

    public void Dispose() => _state.Delete(recursive: true);

    private string Marker => Path.Combine(_state.FullName, "in", "orders_2024-03-01.done");

    private IReadOnlyList<RunEvent> Waits => _events.Events.Where(e => e.Type == EventTypes.SensorWaiting).ToList();

    /// <summary>Runs the pipeline, moving the fake clock on while it waits; <paramref name="onStep"/> may change the world between steps.</summary>
    private async Task<RunResult> RunAsync(string yaml, Action? onStep = null)
    {
        var catalog = new ConnectorCatalog().Add(_source).Add(new FileSensor());
        var runner = new PipelineRunner(catalog, _store, _state.FullName, timeProvider: _clock, eventLog: _events);
        var run = runner.RunAsync(Pipelines.Load(yaml), new RunRequest { LogicalDate = new DateOnly(2024, 3, 1) });
        for (var step = 0; !run.IsCompleted && step < 50_000; step++)
        {
            await Task.Delay(2);
            onStep?.Invoke();
            _clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        return await run;
    }

    private string SensorYaml(string with, string more = "") => $$"""
        name: waits
        max_parallel_tasks: 1
        tasks:
          orders_ready:
            sensor: file
            with: { path: "{{Path.Combine(_state.FullName, "in", "orders_{{ ds }}.done")}}", {{with}} }
        {{more}}
        """;

    [Fact]
    public async Task A_file_that_appears_after_three_looks_lets_the_sensor_succeed_on_the_fourth_without_counting_tries()
    {
        var result = await RunAsync(SensorYaml("poke_interval: 10s, timeout: 5m"), () =>
        {
            if (Waits.Count >= 3 && !File.Exists(Marker))
            {
                Directory.CreateDirectory(Path.GetDirectoryName(Marker)!);
                File.WriteAllText(Marker, string.Empty);
            }
        });

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(3, Waits.Count);
        var sensor = Assert.Single(result.Tasks);
        Assert.Equal(TaskState.Success, sensor.State);
        Assert.Equal(1, sensor.TryNumber);
        // Looks at 0s, 10s, 20s (not met), then 30s (met): stored times, reached by the clock. The fake clock
        // moves on in 0.5 s steps while the runner works, so each look may land a step or two late.
        Assert.InRange(sensor.Duration!.Value.TotalSeconds, 30, 36);
        var changes = _events.Events.Where(e => e.Type == EventTypes.TaskStateChanged).Select(e => e.Text("to")).ToList();
        Assert.Equal(["pending", "running", "up_for_reschedule", "running", "up_for_reschedule", "running", "up_for_reschedule", "running", "success"], changes);
        Assert.Contains("does not exist yet", Waits[0].Text("waiting_for"), StringComparison.Ordinal);
        Assert.Contains("orders_2024-03-01.done", Waits[0].Text("waiting_for"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_sensor_that_runs_out_of_time_fails_with_what_it_waited_for_and_its_downstream_does_not_run()
    {
        var result = await RunAsync(SensorYaml("poke_interval: 10s, timeout: 35s", """
              load:
                source: flaky
                output: loaded
                depends_on: [orders_ready]
            """));

        Assert.False(result.Succeeded);
        var sensor = result.Tasks.Single(t => t.TaskId == "orders_ready");
        Assert.Equal(TaskState.Failed, sensor.State);
        // The fake clock moves on in 0.5 s steps while the runner works, so the last look can land late.
        var waited = System.Text.RegularExpressions.Regex.Match(sensor.Error!, @"^sensor timed out after ([0-9.]+)s \(timeout 35s\): ");
        Assert.True(waited.Success, sensor.Error);
        Assert.InRange(double.Parse(waited.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture), 35, 38);
        Assert.Contains("orders_2024-03-01.done does not exist yet", sensor.Error, StringComparison.Ordinal);
        // Looks at 0, 10, 20, 30 and at the deadline itself.
        Assert.Equal(4, Waits.Count);
        Assert.Equal(TaskState.UpstreamFailed, result.Tasks.Single(t => t.TaskId == "load").State);
        Assert.Empty(_source.AttemptsOf("load"));
    }

    [Fact]
    public async Task Soft_fail_skips_the_sensor_and_its_downstream_and_the_run_succeeds()
    {
        var result = await RunAsync(SensorYaml("poke_interval: 10s, timeout: 30s, soft_fail: true", """
              load:
                source: flaky
                output: loaded
                depends_on: [orders_ready]
            """));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(TaskState.Skipped, result.Tasks.Single(t => t.TaskId == "orders_ready").State);
        Assert.Equal(TaskState.Skipped, result.Tasks.Single(t => t.TaskId == "load").State);
        Assert.Empty(_source.AttemptsOf("load"));
    }

    [Fact]
    public async Task A_waiting_sensor_holds_no_slot_so_a_parallel_task_runs_meanwhile_with_max_parallel_tasks_1()
    {
        // The file appears only once the other task has run: a sensor holding the only slot would time out.
        var result = await RunAsync(SensorYaml("poke_interval: 10s, timeout: 1m", "  work: { source: flaky, output: work }"), CreateMarkerOnceWorkRan);

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Single(_source.AttemptsOf("work"));
        Assert.Equal(TaskState.Success, result.Tasks.Single(t => t.TaskId == "orders_ready").State);
    }

    [Fact]
    public async Task In_poke_mode_the_sensor_keeps_its_slot_so_with_one_slot_the_other_task_waits_for_it()
    {
        var result = await RunAsync(SensorYaml("poke_interval: 10s, timeout: 1m, mode: poke", "  work: { source: flaky, output: work }"), CreateMarkerOnceWorkRan);

        var sensor = result.Tasks.Single(t => t.TaskId == "orders_ready");
        Assert.Equal(TaskState.Failed, sensor.State);
        Assert.StartsWith("sensor timed out after 1m", sensor.Error, StringComparison.Ordinal);
        Assert.True(_source.AttemptsOf("work").Single() >= sensor.EndedAt);
    }

    private void CreateMarkerOnceWorkRan()
    {
        if (_source.AttemptsOf("work").Count > 0 && !File.Exists(Marker))
        {
            Directory.CreateDirectory(Path.GetDirectoryName(Marker)!);
            File.WriteAllText(Marker, string.Empty);
        }
    }
}
