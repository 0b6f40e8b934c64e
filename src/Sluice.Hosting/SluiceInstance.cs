using Microsoft.Extensions.Options;
using Sluice.Connectors;
using Sluice.Engine.DuckDb;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Observability;
using Sluice.State;

namespace Sluice.Hosting;

/// <summary>
/// One facade over a host's parts (after Dagster's instance): the connector catalog, the clock, the
/// state folder with its run history and event log, and runners over them. The CLI, tests, the
/// scheduler and a web host all start here.
/// </summary>
/// <param name="listeners">Told of every event this host appends (its <see cref="RunMetrics"/> among them).</param>
public sealed class SluiceInstance(ConnectorCatalog catalog, IOptions<SluiceOptions> options, TimeProvider time, IEnumerable<IRunEventListener>? listeners = null)
{
    private readonly IReadOnlyList<IRunEventListener> _listeners = listeners?.ToList() ?? [];

    public ConnectorCatalog Catalog { get; } = catalog;

    public TimeProvider Time { get; } = time;

    public string StateDirectory { get; } = Path.GetFullPath(options.Value.StateDirectory);

    public SluiceOptions Options { get; } = options.Value;

    /// <summary>Opens the run history and event log of the state folder (creating it on first use).</summary>
    public async Task<SqliteMetadataStore> OpenStoreAsync(CancellationToken cancellationToken) =>
        await SqliteMetadataStore.OpenAsync(Path.Combine(StateDirectory, "sluice.db"), cancellationToken, Time);

    /// <summary>
    /// The event log to write through in this host: <paramref name="log"/>, with this host's listeners told
    /// of every event appended, so metrics follow runs, alerts and SLA misses as they happen.
    /// </summary>
    public IEventLog Events(IEventLog log) => ListenedEventLog.Over(log, _listeners);

    /// <summary>A runner of single intervals in this process over an open store; its events reach this host's listeners.</summary>
    public PipelineRunner CreateRunner(IMetadataStore store) =>
        new(Catalog, store, StateDirectory, new DuckDbDatasetInspector(), Time, store is IEventLog log ? Events(log) : null);
}
