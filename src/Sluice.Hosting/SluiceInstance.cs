using Microsoft.Extensions.Options;
using Sluice.Connectors;
using Sluice.Engine.DuckDb;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.State;

namespace Sluice.Hosting;

/// <summary>
/// One facade over a host's parts (after Dagster's instance): the connector catalog, the clock, the
/// state folder with its run history and event log, and runners over them. The CLI, tests, the
/// scheduler and a web host all start here.
/// </summary>
public sealed class SluiceInstance(ConnectorCatalog catalog, IOptions<SluiceOptions> options, TimeProvider time)
{
    public ConnectorCatalog Catalog { get; } = catalog;

    public TimeProvider Time { get; } = time;

    public string StateDirectory { get; } = Path.GetFullPath(options.Value.StateDirectory);

    public SluiceOptions Options { get; } = options.Value;

    /// <summary>Opens the run history and event log of the state folder (creating it on first use).</summary>
    public async Task<SqliteMetadataStore> OpenStoreAsync(CancellationToken cancellationToken) =>
        await SqliteMetadataStore.OpenAsync(Path.Combine(StateDirectory, "sluice.db"), cancellationToken, Time);

    /// <summary>A runner of single intervals in this process over an open store.</summary>
    public PipelineRunner CreateRunner(IMetadataStore store) =>
        new(Catalog, store, StateDirectory, new DuckDbDatasetInspector(), Time);
}
