using Sluice.Connectors;
using Sluice.Model;
using Sluice.State;

namespace Sluice.Core.Tests.Support;

/// <summary>A source that writes nothing and succeeds at once, so a run exercises only the executor.</summary>
internal sealed class InstantSource : IConnector
{
    public string Name => "instant";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Succeeds immediately without reading anything.";

    public IReadOnlyList<OptionSpec> Options => [];

    public Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) =>
        Task.FromResult(new TaskOutcome());
}

/// <summary>Run history kept in memory.</summary>
internal sealed class InMemoryMetadataStore : IMetadataStore
{
    private readonly Dictionary<string, TaskInstanceRecord> _tasks = new(StringComparer.Ordinal);

    public RunState? FinishedState { get; private set; }

    public IReadOnlyCollection<TaskInstanceRecord> Tasks => _tasks.Values;

    private long _lastRunId;

    /// <summary>Ids count from 1, so several runs in one test are told apart (as the anomaly check needs).</summary>
    public Task<RunRecord> StartRunAsync(RunRecord run, CancellationToken cancellationToken) =>
        Task.FromResult(run with { Id = Interlocked.Increment(ref _lastRunId) });

    public Task FinishRunAsync(long runId, RunState state, string? error, CancellationToken cancellationToken)
    {
        FinishedState = state;
        return Task.CompletedTask;
    }

    public Task SaveTaskAsync(TaskInstanceRecord task, CancellationToken cancellationToken)
    {
        lock (_tasks)
        {
            _tasks[task.TaskId] = task;
        }

        return Task.CompletedTask;
    }

    public Task<RunRecord?> ClaimIntervalAsync(RunRecord run, CancellationToken cancellationToken) => Task.FromResult<RunRecord?>(run with { Id = 1 });

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(string pipeline, DateOnly from, DateOnly to, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RunRecord>>([]);

    public Task SetPausedAsync(string pipeline, bool paused, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<IReadOnlySet<string>> PausedPipelinesAsync(CancellationToken cancellationToken) => Task.FromResult<IReadOnlySet<string>>(new HashSet<string>());

    public Task HeartbeatAsync(long runId, DateTimeOffset at, CancellationToken cancellationToken) => Task.CompletedTask;

    public Task<RunRecord?> GetRunAsync(long runId, CancellationToken cancellationToken) => Task.FromResult<RunRecord?>(null);

    public Task<IReadOnlyList<RunRecord>> ListRunsAsync(string? pipeline, int limit, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RunRecord>>([]);

    public Task<IReadOnlyList<TaskInstanceRecord>> ListTasksAsync(long runId, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<TaskInstanceRecord>>(_tasks.Values.ToList());

    public Task<RunRecord?> LatestRunAsync(string pipeline, DateOnly logicalDate, CancellationToken cancellationToken) =>
        Task.FromResult<RunRecord?>(null);

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
