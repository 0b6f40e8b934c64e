using Microsoft.Extensions.Options;
using Sluice.Connectors;
using Sluice.Connectors.All;
using Sluice.Execution;
using Sluice.Hosting;
using Sluice.Metadata.Postgres;
using Sluice.Metadata.Sqlite;
using Sluice.Observability;
using Sluice.Telemetry;
using Sluice.State;

namespace Sluice.Cli;

/// <summary>The CLI's host: every built-in connector, the metadata store, and runners, through <see cref="SluiceInstance"/>.</summary>
internal static class SluiceHost
{
    public static ConnectorCatalog Catalog() => BuiltInConnectors.Catalog();

    private static int _announced;

    /// <summary>
    /// The project's state folder (see <see cref="StateFolder.Locate"/>). When it is not ./.sluice the
    /// user is told once on stderr, since runs and --resume silently depend on it.
    /// </summary>
    public static string StateDirectory(string? option)
    {
        var workingDirectory = Directory.GetCurrentDirectory();
        var state = StateFolder.Locate(option, Environment.GetEnvironmentVariable("SLUICE_STATE_DIR"), workingDirectory);
        if (StateFolder.IsElsewhere(state, workingDirectory) && Interlocked.Exchange(ref _announced, 1) == 0)
        {
            Console.Error.WriteLine($"state folder: {state}");
        }

        return state;
    }

    /// <summary>False when the history is a SQLite file not made yet; reading commands must not create one.</summary>
    public static bool HasHistory(IMetadataStoreProvider metadata) => metadata is not SqliteMetadataStoreProvider sqlite || sqlite.Exists;

    /// <summary>This process's instruments, fed by every run and alert it records; exported when telemetry is configured.</summary>
    public static RunMetrics Metrics => ProcessMetrics.Value;

    private static readonly Lazy<RunMetrics> ProcessMetrics = new(() => new RunMetrics());

    /// <summary>
    /// Exports this process's metrics over OTLP when the standard variables configure it
    /// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>...); disposing flushes them, so a short command loses nothing. Null otherwise.
    /// </summary>
    public static IDisposable? StartTelemetry() => SluiceTelemetry.Start(new SluiceTelemetryOptions());

    /// <summary>
    /// The metadata store: --metadata, else SLUICE_METADATA, else SQLite in the state folder. A
    /// postgres:// URL or a connection string with Host= means PostgreSQL; anything else is a SQLite
    /// file path (an optional <c>sqlite:</c> prefix is dropped). A password on the command line is refused.
    /// </summary>
    public static IMetadataStoreProvider Metadata(string? option, string stateDirectory)
    {
        var setting = option is { Length: > 0 } ? option : Environment.GetEnvironmentVariable("SLUICE_METADATA");
        if (string.IsNullOrWhiteSpace(setting))
        {
            return new SqliteMetadataStoreProvider(Path.Combine(stateDirectory, "sluice.db"));
        }

        if (PostgresMetadataSettings.IsPostgres(setting))
        {
            return new PostgresMetadataStoreProvider(PostgresMetadataSettings.Parse(setting, Environment.GetEnvironmentVariable, passwordAllowed: option is not { Length: > 0 }));
        }

        return new SqliteMetadataStoreProvider(setting.StartsWith("sqlite:", StringComparison.OrdinalIgnoreCase) ? setting["sqlite:".Length..] : setting);
    }

    public static SluiceInstance Instance(string stateDirectory, ConnectorCatalog? catalog = null, IMetadataStoreProvider? metadata = null) =>
        new(catalog ?? Catalog(), Options.Create(new SluiceOptions { StateDirectory = stateDirectory }), TimeProvider.System, metadata ?? Metadata(null, stateDirectory), [Metrics]);

    /// <summary>The store SLUICE_METADATA names, else the state folder's SQLite file.</summary>
    public static Task<IMetadataStore> OpenStoreAsync(string stateDirectory, CancellationToken cancellationToken) =>
        Instance(stateDirectory).OpenStoreAsync(cancellationToken);

    public static Task<IMetadataStore> OpenStoreAsync(IMetadataStoreProvider metadata, CancellationToken cancellationToken) =>
        metadata.OpenAsync(TimeProvider.System, cancellationToken);

    public static PipelineRunner Runner(ConnectorCatalog catalog, IMetadataStore store, string stateDirectory) =>
        Instance(stateDirectory, catalog).CreateRunner(store);
}
