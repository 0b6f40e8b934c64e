namespace Sluice.Incremental;

/// <summary>What committing a <see cref="HeldCursor"/> did.</summary>
public enum CursorCommit
{
    /// <summary>The watermark moved from the held cursor's expected value to its next one.</summary>
    Committed,

    /// <summary>Another run or <c>sluice state set</c> changed the watermark since the extract read it; it was left alone.</summary>
    Conflict,

    /// <summary>Nothing was held any more: another process finishing a load of the same run committed it first.</summary>
    AlreadyCommitted,
}
