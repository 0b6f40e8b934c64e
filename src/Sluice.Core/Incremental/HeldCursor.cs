namespace Sluice.Incremental;

/// <summary>
/// The highest cursor a run's extract read, waiting for the loads downstream of it to commit before it
/// becomes the watermark. Stored beside the watermark, not in a process's memory, so the worker that runs
/// the last load (or a resumed run that reuses the extract) can commit it.
/// </summary>
public sealed record HeldCursor
{
    public required string Pipeline { get; init; }
    public required string TaskId { get; init; }

    /// <summary>The run whose loads must commit first.</summary>
    public required long RunId { get; init; }

    public required string Column { get; init; }

    /// <summary>The watermark the extract started from (null: none); the commit is a compare-and-set from it.</summary>
    public CursorValue? Expected { get; init; }

    /// <summary>The watermark once the loads have committed.</summary>
    public required CursorValue Next { get; init; }

    public required DateTimeOffset HeldAt { get; init; }
}
