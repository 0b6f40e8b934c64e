using Microsoft.Extensions.Time.Testing;
using Sluice.Connectors;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Model;
using Sluice.Sensors;
using Sluice.State;
using Sluice.Yaml;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.Hosting.Tests;

/// <summary>
/// Pools and the pipeline sensor over each real store on a fake clock. Two stores opened on one
/// file (one schema) stand for two processes: pool slots are shared through the store, not through memory.
/// </summary>
public abstract class PoolAndSensorTests(StoreKind kind) : IAsyncLifetime
{
    private static readonly PoolDefinition Warehouse = new("warehouse", 2, SourceLocation.Code("pools.yaml"));
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 3, 2, 0, 0, 0, TimeSpan.Zero));
    private TestStores _stores = null!;
    private IMetadataStore _first = null!;
    private IMetadataStore _second = null!;
    private NoopSource _source = null!;

    public async Task InitializeAsync()
    {
        _stores = new TestStores(kind, _clock, "sluice-pools-");
        _first = await _stores.OpenAsync();
        _second = await _stores.OpenAsync();
        _source = new NoopSource(_clock);
    }

    public async Task DisposeAsync() => await _stores.DisposeAsync();

    private PipelineRunner Runner(IMetadataStore store) =>
        new(new ConnectorCatalog().Add(_source).Add(new PipelineSensor()), store, _stores.State.FullName, timeProvider: _clock);

    private static PipelineDefinition Pipeline(string yaml) =>
        PipelineYamlLoader.Load(yaml, "pipeline.yaml", Path.GetTempPath()) with { Pools = [Warehouse], ProjectPipelines = ["orders_etl", "report"] };

    /// <summary>Moves the fake clock on until every run has finished; <paramref name="onStep"/> may act between steps.</summary>
    private async Task DriveAsync(IReadOnlyList<Task> runs, Func<Task>? onStep = null)
    {
        for (var step = 0; runs.Any(r => !r.IsCompleted) && step < 20_000; step++)
        {
            await Task.Delay(2);
            if (onStep is not null)
            {
                await onStep();
            }

            _clock.Advance(TimeSpan.FromMilliseconds(500));
        }

        await Task.WhenAll(runs);
    }

    private static string Loads(string name, int tasks) =>
        $"name: {name}\nmax_parallel_tasks: 4\ntasks:\n"
        + string.Concat(Enumerable.Range(1, tasks).Select(i => $"  load_{i}: {{ source: noop, output: d{i}, pool: warehouse, with: {{ takes: 10s }} }}\n"));

    [Fact]
    public async Task Two_concurrent_runs_of_different_pipelines_in_two_processes_never_exceed_the_pool_size()
    {
        var date = new RunRequest { LogicalDate = new DateOnly(2024, 3, 1) };
        var runs = new[]
        {
            Runner(_first).RunAsync(Pipeline(Loads("orders_etl", 4)), date),
            Runner(_second).RunAsync(Pipeline(Loads("report", 4)), date),
        };

        await DriveAsync(runs);

        Assert.All(runs, r => Assert.True(r.Result.Succeeded, r.Result.Run.Error));
        Assert.Equal(8, _source.Runs);
        // Each run alone would start 4 at once (max_parallel_tasks), both together 8.
        Assert.Equal(2, _source.MaxConcurrent);
    }

    [Fact]
    public async Task A_slot_held_by_a_run_whose_process_died_is_given_back()
    {
        var dead = await _first.StartRunAsync(
            new RunRecord { Pipeline = "crashed", LogicalDate = new DateOnly(2024, 3, 1), IntervalStart = _clock.GetUtcNow(), IntervalEnd = _clock.GetUtcNow(), StartedAt = _clock.GetUtcNow(), HeartbeatAt = _clock.GetUtcNow(), Host = "elsewhere", ProcessId = 1 },
            CancellationToken.None);
        var live = await _first.StartRunAsync(
            new RunRecord { Pipeline = "alive", LogicalDate = new DateOnly(2024, 3, 1), IntervalStart = _clock.GetUtcNow(), IntervalEnd = _clock.GetUtcNow(), StartedAt = _clock.GetUtcNow(), HeartbeatAt = _clock.GetUtcNow(), Host = RunLiveness.HostName, ProcessId = Environment.ProcessId },
            CancellationToken.None);
        Assert.True(await ((IPoolSlots)_first).TryClaimAsync("warehouse", 2, dead.Id, "a", CancellationToken.None));
        Assert.True(await ((IPoolSlots)_first).TryClaimAsync("warehouse", 2, dead.Id, "b", CancellationToken.None));
        Assert.False(await ((IPoolSlots)_second).TryClaimAsync("warehouse", 2, live.Id, "c", CancellationToken.None));

        // The other host's run stops beating; once it is stale its claims lapse with it.
        _clock.Advance(RunLiveness.StaleAfter + TimeSpan.FromSeconds(1));
        await _first.HeartbeatAsync(live.Id, _clock.GetUtcNow(), CancellationToken.None);

        Assert.True(await ((IPoolSlots)_second).TryClaimAsync("warehouse", 2, live.Id, "c", CancellationToken.None));
        Assert.Equal(RunState.Abandoned, (await _first.GetRunAsync(dead.Id, CancellationToken.None))!.State);
    }

    [Fact]
    public async Task A_pipeline_sensor_waits_until_the_other_pipeline_succeeded_for_the_same_date()
    {
        var report = Pipeline("""
            name: report
            tasks:
              orders_done:
                sensor: pipeline
                with: { pipeline: orders_etl, poke_interval: 1m, timeout: 2h }
              build: { source: noop, output: report, depends_on: [orders_done] }
            """);
        var orders = Pipeline(Loads("orders_etl", 1));
        var date = new RunRequest { LogicalDate = new DateOnly(2024, 3, 1) };
        var waiting = Runner(_first).RunAsync(report, date);
        Task<RunResult>? upstream = null;
        var otherDateRan = false;

        await DriveAsync([waiting], async () =>
        {
            var waits = await ((IEventLog)_first).ReadAsync(new EventQuery { Types = [EventTypes.SensorWaiting], Limit = 100 }, CancellationToken.None);
            if (waits.Count >= 2 && !otherDateRan)
            {
                // A success for another date does not satisfy the sensor.
                otherDateRan = true;
                upstream = Runner(_second).RunAsync(orders, new RunRequest { LogicalDate = new DateOnly(2024, 2, 29) });
            }
            else if (waits.Count >= 4 && upstream is { IsCompleted: true } && upstream.Result.Run.LogicalDate != date.LogicalDate)
            {
                upstream = Runner(_second).RunAsync(orders, date);
            }
        });

        var result = await waiting;
        Assert.True(result.Succeeded, result.Run.Error);
        var waited = await ((IEventLog)_first).ReadAsync(new EventQuery { RunId = result.Run.Id, Types = [EventTypes.SensorWaiting], Limit = 100 }, CancellationToken.None);
        Assert.InRange(waited.Count, 4, 5);
        Assert.Equal("orders_etl for 2024-03-01 has not run yet", waited[0].Text("waiting_for"));
        Assert.Equal(TaskState.Success, result.Tasks.Single(t => t.TaskId == "build").State);
    }
}

public sealed class SqlitePoolAndSensorTests() : PoolAndSensorTests(StoreKind.Sqlite);

public sealed class PostgresPoolAndSensorTests() : PoolAndSensorTests(StoreKind.Postgres);
