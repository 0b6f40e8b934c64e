using Microsoft.Extensions.Options;
using Sluice.Connectors;
using Sluice.Connectors.All;
using Sluice.Execution;
using Sluice.Hosting;
using Sluice.Metadata.Sqlite;
using Sluice.Observability;
using Sluice.Telemetry;

namespace Sluice.Cli;

/// <summary>The CLI's host: every built-in connector, the state folder's store, and runners, through <see cref="SluiceInstance"/>.</summary>
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

    /// <summary>True when the state folder holds a run history; reading commands must not create one.</summary>
    public static bool HasHistory(string stateDirectory) => File.Exists(Path.Combine(stateDirectory, "sluice.db"));

    /// <summary>This process's instruments, fed by every run and alert it records; exported when telemetry is configured.</summary>
    public static RunMetrics Metrics => ProcessMetrics.Value;

    private static readonly Lazy<RunMetrics> ProcessMetrics = new(() => new RunMetrics());

    public static SluiceInstance Instance(string stateDirectory, ConnectorCatalog? catalog = null) =>
        new(catalog ?? Catalog(), Options.Create(new SluiceOptions { StateDirectory = stateDirectory }), TimeProvider.System, [Metrics]);

    /// <summary>
    /// Exports this process's metrics over OTLP when the standard variables configure it
    /// (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>...); disposing flushes them, so a short command loses nothing. Null otherwise.
    /// </summary>
    public static IDisposable? StartTelemetry() => SluiceTelemetry.Start(new SluiceTelemetryOptions());

    public static Task<SqliteMetadataStore> OpenStoreAsync(string stateDirectory, CancellationToken cancellationToken) =>
        Instance(stateDirectory).OpenStoreAsync(cancellationToken);

    public static PipelineRunner Runner(ConnectorCatalog catalog, SqliteMetadataStore store, string stateDirectory) =>
        Instance(stateDirectory, catalog).CreateRunner(store);
}
