using Microsoft.Extensions.Time.Testing;
using Sluice.Connectors;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Model;
using Sluice.Queue;
using Sluice.State;
using Sluice.Yaml;

namespace Sluice.Hosting.Tests;

/// <summary>A state folder with a SQLite store on a fake clock, and queued runs in it, for the worker queue's tests.</summary>
internal sealed class QueueFixture : IAsyncDisposable
{
    private readonly List<SqliteMetadataStore> _stores = [];

    private QueueFixture(DirectoryInfo state, FakeTimeProvider clock, SqliteMetadataStore store)
    {
        State = state;
        Clock = clock;
        Store = store;
        _stores.Add(store);
    }

    public DirectoryInfo State { get; }

    public FakeTimeProvider Clock { get; }

    public SqliteMetadataStore Store { get; }

    public string DatabasePath => Path.Combine(State.FullName, "sluice.db");

    public static async Task<QueueFixture> CreateAsync()
    {
        var state = Directory.CreateTempSubdirectory("sluice-queue-");
        var clock = new FakeTimeProvider(new DateTimeOffset(2024, 3, 2, 6, 0, 0, TimeSpan.Zero));
        var store = await SqliteMetadataStore.OpenAsync(Path.Combine(state.FullName, "sluice.db"), CancellationToken.None, clock);
        return new QueueFixture(state, clock, store);
    }

    /// <summary>Another connection to the same file, as another process would have.</summary>
    public async Task<SqliteMetadataStore> OpenAnotherAsync()
    {
        var store = await SqliteMetadataStore.OpenAsync(DatabasePath, CancellationToken.None, Clock);
        lock (_stores)
        {
            _stores.Add(store);
        }

        return store;
    }

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
        await Store.AdvanceAsync(run.Id, rules.Advance, CancellationToken.None);
        return (run, rules);
    }

    public static Task<TaskLease?> ClaimAsync(ITaskQueue queue, string worker, TimeSpan? lease = null) =>
        queue.ClaimAsync(worker, lease ?? TimeSpan.FromSeconds(30), (s, item) => QueuedRunRules.AttemptStarted(s, item.TaskId, worker), CancellationToken.None);

    public async Task<TaskInstanceRecord> TaskAsync(long runId, string taskId) =>
        (await Store.ListTasksAsync(runId, CancellationToken.None)).Single(t => t.TaskId == taskId);

    public async ValueTask DisposeAsync()
    {
        foreach (var store in _stores)
        {
            await store.DisposeAsync();
        }

        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        State.Delete(recursive: true);
    }
}
