namespace Sluice.Contracts;

/// <summary>
/// Where dataset contracts live beside run history: the versions of each dataset's schema and what
/// each run actually saw. Kept apart from <see cref="State.IMetadataStore"/> so a store (SQLite
/// today, PostgreSQL later) can add it on its own.
/// </summary>
public interface IContractStore
{
    /// <summary>The newest version of a dataset's contract, or null before its first successful run.</summary>
    Task<ContractVersion?> CurrentContractAsync(string pipeline, string dataset, CancellationToken cancellationToken);

    /// <summary>Every version of one dataset's contract (or of all the pipeline's datasets), oldest first.</summary>
    Task<IReadOnlyList<ContractVersion>> ContractVersionsAsync(string pipeline, string? dataset, CancellationToken cancellationToken);

    /// <summary>
    /// Records the next version (its <see cref="ContractVersion.Version"/> is assigned here), only if
    /// the dataset's current version is still <paramref name="expectedCurrent"/> (0: none), so two
    /// runs that saw the same change do not record it twice. Null when another writer came first.
    /// </summary>
    Task<ContractVersion?> AddContractVersionAsync(ContractVersion version, int expectedCurrent, CancellationToken cancellationToken);

    /// <summary>Records what one task attempt wrote: columns, types, rows and NULL counts.</summary>
    Task RecordObservationAsync(ContractObservation observation, CancellationToken cancellationToken);

    /// <summary>A dataset's latest observations, newest first.</summary>
    Task<IReadOnlyList<ContractObservation>> RecentObservationsAsync(string pipeline, string dataset, int limit, CancellationToken cancellationToken);
}
