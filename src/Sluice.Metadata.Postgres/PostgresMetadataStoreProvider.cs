using Sluice.State;

namespace Sluice.Metadata.Postgres;

/// <summary>Opens the PostgreSQL metadata store: for several schedulers, workers and CLI commands sharing one history.</summary>
public sealed class PostgresMetadataStoreProvider(PostgresMetadataSettings settings) : IMetadataStoreProvider
{
    public PostgresMetadataSettings Settings { get; } = settings;

    public string Description => Settings.ToString();

    public async Task<IMetadataStore> OpenAsync(TimeProvider time, CancellationToken cancellationToken) =>
        await PostgresMetadataStore.OpenAsync(Settings, time, cancellationToken);
}
