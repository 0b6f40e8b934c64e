using Sluice.Model;

namespace Sluice.Contracts;

/// <summary>One version of a dataset's recorded schema.</summary>
public sealed record ContractVersion
{
    public required string Pipeline { get; init; }
    public required string Dataset { get; init; }
    /// <summary>1 for the first; assigned by the store.</summary>
    public int Version { get; init; }
    public required IReadOnlyList<ColumnDefinition> Columns { get; init; }
    /// <summary><see cref="ContractOrigins"/>: how this version came to be.</summary>
    public required string Origin { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    /// <summary>The run whose data it was taken from, when a run made it.</summary>
    public long? RunId { get; init; }
    public DateOnly? LogicalDate { get; init; }
    /// <summary>What changed from the version before, readable; null for the first.</summary>
    public string? Change { get; init; }
}

/// <summary>How a contract version was made.</summary>
public static class ContractOrigins
{
    /// <summary>The first successful run's schema.</summary>
    public const string Inferred = "inferred";

    /// <summary>New columns published under <c>on_new_fields: evolve</c>.</summary>
    public const string Evolved = "evolved";

    /// <summary>A drifted schema a person accepted with <c>sluice contract accept</c>.</summary>
    public const string Accepted = "accepted";
}
