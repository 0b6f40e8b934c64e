namespace Sluice.Incremental;

/// <summary>
/// Where incremental cursors (watermarks) live, beside run history: the last cursor value a committed
/// load saw, per pipeline and task. Kept apart from <see cref="State.IMetadataStore"/> so each store
/// adds it on its own, as it does <see cref="Contracts.IContractStore"/>.
/// </summary>
public interface ICursorStore
{
    /// <summary>The watermark of one task, or null before its first committed load (or after a reset).</summary>
    Task<CursorState?> GetCursorAsync(string pipeline, string taskId, CancellationToken cancellationToken);

    /// <summary>The watermarks of a pipeline's tasks (or of one task), ordered by task.</summary>
    Task<IReadOnlyList<CursorState>> ListCursorsAsync(string pipeline, string? taskId, CancellationToken cancellationToken);

    /// <summary>
    /// Stores <paramref name="next"/> only if the task's watermark is still <paramref name="expected"/>
    /// (null: none), atomically, so a run never overwrites a value another run or a person set since
    /// it read its bound. False when it changed.
    /// </summary>
    Task<bool> AdvanceCursorAsync(CursorState next, CursorValue? expected, CancellationToken cancellationToken);

    /// <summary>Stores a value whatever was there (<c>sluice state set</c>).</summary>
    Task SetCursorAsync(CursorState state, CancellationToken cancellationToken);

    /// <summary>Stores a run's held cursor, replacing one the same run and task held before (an earlier attempt's).</summary>
    Task HoldCursorAsync(HeldCursor held, CancellationToken cancellationToken);

    /// <summary>The cursors held for a pipeline's runs, oldest run first.</summary>
    Task<IReadOnlyList<HeldCursor>> ListHeldCursorsAsync(string pipeline, CancellationToken cancellationToken);

    /// <summary>
    /// In one transaction: removes <paramref name="held"/> (and what older runs still held for the same
    /// task, which it supersedes) and, if it was still held, moves the watermark from its expected value
    /// to its next one with the compare-and-set of <see cref="AdvanceCursorAsync"/>. Two processes that
    /// both see the loads done commit it once.
    /// </summary>
    Task<CursorCommit> CommitHeldCursorAsync(HeldCursor held, DateTimeOffset at, CancellationToken cancellationToken);

    /// <summary>Removes the watermarks of a pipeline (or one task), and what runs hold for them, so the next run starts from <c>initial</c>; returns how many watermarks.</summary>
    Task<int> ResetCursorsAsync(string pipeline, string? taskId, CancellationToken cancellationToken);
}

/// <summary>One task's watermark: the cursor column, its last committed value, and who set it when.</summary>
public sealed record CursorState
{
    public required string Pipeline { get; init; }
    public required string TaskId { get; init; }
    public required string Column { get; init; }
    public required CursorValue Value { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }

    /// <summary>The run whose committed load advanced it; null when set by hand.</summary>
    public long? RunId { get; init; }
}
