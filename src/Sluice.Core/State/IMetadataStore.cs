namespace Sluice.State;

/// <summary>
/// Where run history and task states live: SQLite on one machine, PostgreSQL for several workers.
/// </summary>
public interface IMetadataStore : IAsyncDisposable
{
    /// <summary>
    /// Records a new run, unless a live run of the same pipeline and logical date exists: then throws
    /// <see cref="RunConflictException"/> naming it. Runs whose process died are marked abandoned first.
    /// </summary>
    Task<RunRecord> StartRunAsync(RunRecord run, CancellationToken cancellationToken);

    /// <summary>
    /// Records a new run only if the pipeline has no run at all for that logical date (whatever its
    /// state), atomically: the scheduler's claim, so a restart or a second scheduler never runs an
    /// interval twice. Null when one exists.
    /// </summary>
    Task<RunRecord?> ClaimIntervalAsync(RunRecord run, CancellationToken cancellationToken);

    /// <summary>Runs of a pipeline whose logical dates fall in [from, to], newest first.</summary>
    Task<IReadOnlyList<RunRecord>> ListRunsAsync(string pipeline, DateOnly from, DateOnly to, CancellationToken cancellationToken);

    /// <summary>Pauses or resumes a pipeline's schedule; runs by hand are not affected.</summary>
    Task SetPausedAsync(string pipeline, bool paused, CancellationToken cancellationToken);

    Task<IReadOnlySet<string>> PausedPipelinesAsync(CancellationToken cancellationToken);

    Task FinishRunAsync(long runId, RunState state, string? error, CancellationToken cancellationToken);

    /// <summary>Renews a running run's heartbeat.</summary>
    Task HeartbeatAsync(long runId, DateTimeOffset at, CancellationToken cancellationToken);

    Task SaveTaskAsync(TaskInstanceRecord task, CancellationToken cancellationToken);

    Task<IReadOnlyList<RunRecord>> ListRunsAsync(string? pipeline, int limit, CancellationToken cancellationToken);

    Task<RunRecord?> GetRunAsync(long runId, CancellationToken cancellationToken);

    Task<IReadOnlyList<TaskInstanceRecord>> ListTasksAsync(long runId, CancellationToken cancellationToken);

    /// <summary>The most recent run of a pipeline for one logical date, if any.</summary>
    Task<RunRecord?> LatestRunAsync(string pipeline, DateOnly logicalDate, CancellationToken cancellationToken);
}
