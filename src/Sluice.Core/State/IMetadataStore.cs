namespace Sluice.State;

/// <summary>
/// Where run history and task states live: SQLite on one machine, PostgreSQL for several workers.
/// </summary>
public interface IMetadataStore : IAsyncDisposable
{
    Task<RunRecord> StartRunAsync(RunRecord run, CancellationToken cancellationToken);

    Task FinishRunAsync(long runId, RunState state, string? error, CancellationToken cancellationToken);

    Task SaveTaskAsync(TaskInstanceRecord task, CancellationToken cancellationToken);

    Task<IReadOnlyList<RunRecord>> ListRunsAsync(string? pipeline, int limit, CancellationToken cancellationToken);

    Task<IReadOnlyList<TaskInstanceRecord>> ListTasksAsync(long runId, CancellationToken cancellationToken);

    /// <summary>The most recent run of a pipeline for one logical date, if any.</summary>
    Task<RunRecord?> LatestRunAsync(string pipeline, DateOnly logicalDate, CancellationToken cancellationToken);
}
