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

    /// <summary>Removes the watermarks of a pipeline (or one task), so the next run starts from <c>initial</c>; returns how many.</summary>
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
