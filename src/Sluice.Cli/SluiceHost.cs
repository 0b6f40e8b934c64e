using Microsoft.Extensions.Options;
using Sluice.Connectors;
using Sluice.Connectors.All;
using Sluice.Execution;
using Sluice.Hosting;
using Sluice.Metadata.Sqlite;

namespace Sluice.Cli;

/// <summary>The CLI's host: every built-in connector, the state folder's store, and runners, through <see cref="SluiceInstance"/>.</summary>
internal static class SluiceHost
{
    public static ConnectorCatalog Catalog() => BuiltInConnectors.Catalog();

    /// <summary>The project's state folder: --state-dir, else SLUICE_STATE_DIR, else ./.sluice.</summary>
    public static string StateDirectory(string? option) =>
        Path.GetFullPath(option ?? Environment.GetEnvironmentVariable("SLUICE_STATE_DIR") ?? ".sluice");

    public static SluiceInstance Instance(string stateDirectory, ConnectorCatalog? catalog = null) =>
        new(catalog ?? Catalog(), Options.Create(new SluiceOptions { StateDirectory = stateDirectory }), TimeProvider.System);

    public static Task<SqliteMetadataStore> OpenStoreAsync(string stateDirectory, CancellationToken cancellationToken) =>
        Instance(stateDirectory).OpenStoreAsync(cancellationToken);

    public static PipelineRunner Runner(ConnectorCatalog catalog, SqliteMetadataStore store, string stateDirectory) =>
        Instance(stateDirectory, catalog).CreateRunner(store);
}
