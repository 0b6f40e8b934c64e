namespace Sluice.Contracts;

/// <summary>
/// What one task attempt wrote to a dataset: its columns with their types and NULL counts, and its
/// rows. Successful runs' observations are the history a column that suddenly became all NULL is
/// judged against; a drifted one is what <c>sluice contract accept</c> accepts.
/// </summary>
public sealed record ContractObservation
{
    public required string Pipeline { get; init; }
    public required string Dataset { get; init; }
    public required string TaskId { get; init; }
    public required long RunId { get; init; }
    public required DateOnly LogicalDate { get; init; }
    public required DateTimeOffset ObservedAt { get; init; }
    public required long Rows { get; init; }
    public required IReadOnlyList<ObservedColumn> Columns { get; init; }
    /// <summary>The task failed because of this schema: nothing was published.</summary>
    public bool Drifted { get; init; }
}

/// <summary>A column as observed: its name, type and how many of the rows were NULL in it.</summary>
public sealed record ObservedColumn(string Name, string Type, long Nulls);
