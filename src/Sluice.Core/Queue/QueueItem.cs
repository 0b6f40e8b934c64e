namespace Sluice.Queue;

/// <summary>
/// One task instance waiting in the queue: which run and task, and where a worker finds the pipeline
/// (its file, loaded by the worker when it claims the item).
/// </summary>
public sealed record QueueItem
{
    public required long RunId { get; init; }

    public required string TaskId { get; init; }

    public required string Pipeline { get; init; }

    /// <summary>The pipeline file, absolute; every worker must see it at this path.</summary>
    public required string PipelineFile { get; init; }

    public required DateOnly LogicalDate { get; init; }

    /// <summary>Not claimable before this time: a retry's stored next attempt time.</summary>
    public required DateTimeOffset AvailableAt { get; init; }
}
