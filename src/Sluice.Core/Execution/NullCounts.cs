namespace Sluice.Execution;

/// <summary>A staged dataset's row count and, per inspected column, how many of its rows are NULL.</summary>
public sealed record NullCounts(long Rows, IReadOnlyDictionary<string, long> NullsByColumn);
