using Microsoft.Extensions.Time.Testing;
using Sluice.Connectors;
using Sluice.Execution;
using Sluice.Events;
using Sluice.Model;
using Sluice.Queue;
using Sluice.State;
using Sluice.Yaml;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.Hosting.Tests;

/// <summary>A store of either kind on a fake clock, and queued runs in it, for the worker queue's tests.</summary>
internal sealed class QueueFixture : IAsyncDisposable
{
    private readonly TestStores _stores;

    private QueueFixture(TestStores stores, FakeTimeProvider clock, IMetadataStore store)
    {
        _stores = stores;
        Clock = clock;
        Store = store;
    }

    public DirectoryInfo State => _stores.State;

    public FakeTimeProvider Clock { get; }

    public IMetadataStore Store { get; }

    public ITaskQueue Queue => (ITaskQueue)Store;

    public IEventLog Events => (IEventLog)Store;

    public static async Task<QueueFixture> CreateAsync(StoreKind kind)
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 3, 2, 6, 0, 0, TimeSpan.Zero));
        var stores = new TestStores(kind, clock, "sluice-queue-");
        return new QueueFixture(stores, clock, await stores.OpenAsync());
    }

    /// <summary>Another connection to the same store, as another process would have.</summary>
    public Task<IMetadataStore> OpenAnotherAsync() => _stores.OpenAsync();

    public static PipelineDefinition Pipeline(string tasksYaml, string header = "") =>
        PipelineYamlLoader.Load($"name: q\n{header}\ntasks:\n{tasksYaml}", "q.yaml", Path.GetTempPath());

    /// <summary>Records a run of the pipeline with pending tasks and enqueues its first ready tasks, as the coordinator does.</summary>
    public async Task<(RunRecord Run, QueuedRunRules Rules)> StartAsync(PipelineDefinition pipeline, DateOnly? date = null)
    {
        var runner = new PipelineRunner(new ConnectorCatalog(), Store, State.FullName, timeProvider: Clock);
        var run = await Store.StartRunAsync(runner.NewRun(pipeline, date ?? new DateOnly(2024, 3, 1), "manual"), CancellationToken.None);
        foreach (var task in pipeline.Tasks)
        {
            await Store.SaveTaskAsync(new TaskInstanceRecord { RunId = run.Id, TaskId = task.Id }, CancellationToken.None);
        }

        var rules = new QueuedRunRules(pipeline, "q.yaml");
        await Queue.AdvanceAsync(run.Id, rules.Advance, CancellationToken.None);
        return (run, rules);
    }

    public static Task<TaskLease?> ClaimAsync(ITaskQueue queue, string worker, TimeSpan? lease = null) =>
        queue.ClaimAsync(worker, lease ?? TimeSpan.FromSeconds(30), (s, item) => QueuedRunRules.AttemptStarted(s, item.TaskId, worker), CancellationToken.None);

    public async Task<TaskInstanceRecord> TaskAsync(long runId, string taskId) =>
        (await Store.ListTasksAsync(runId, CancellationToken.None)).Single(t => t.TaskId == taskId);

    public ValueTask DisposeAsync() => _stores.DisposeAsync();
}
