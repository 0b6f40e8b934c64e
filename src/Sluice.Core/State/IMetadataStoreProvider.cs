namespace Sluice.State;

/// <summary>
/// Where a host keeps its run history and event log, and how to open it: a SQLite file in the state
/// folder (the default) or a PostgreSQL database shared by several processes and machines. Each
/// store package provides one; the CLI picks it from <c>--metadata</c> or <c>SLUICE_METADATA</c>.
/// </summary>
public interface IMetadataStoreProvider
{
    /// <summary>Where the store is, for messages: never a password.</summary>
    string Description { get; }

    /// <summary>
    /// Opens the store, creating or migrating its schema. The store is also the <see cref="Events.IEventLog"/>.
    /// An unreachable server gives a <see cref="MetadataStoreUnavailableException"/>.
    /// </summary>
    Task<IMetadataStore> OpenAsync(TimeProvider time, CancellationToken cancellationToken);
}
