using Microsoft.Extensions.Options;
using Sluice.Connectors;
using Sluice.Engine.DuckDb;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Observability;
using Sluice.Model;
using Sluice.State;
using Sluice.Validation;

namespace Sluice.Hosting;

/// <summary>
/// One facade over a host's parts (after Dagster's instance): the connector catalog, the clock, the
/// state folder, the metadata store with its run history and event log, and runners over them. The
/// CLI, tests, the scheduler and a web host all start here.
/// </summary>
/// <param name="metadata">Where run history and events are kept; SQLite in the state folder when null.</param>
/// <param name="listeners">Told of every event this host appends (its <see cref="RunMetrics"/> among them).</param>
public sealed class SluiceInstance(ConnectorCatalog catalog, IOptions<SluiceOptions> options, TimeProvider time, IMetadataStoreProvider? metadata = null, IEnumerable<IRunEventListener>? listeners = null)
{
    private readonly IReadOnlyList<IRunEventListener> _listeners = listeners?.ToList() ?? [];

    public ConnectorCatalog Catalog { get; } = catalog;

    public TimeProvider Time { get; } = time;

    public string StateDirectory { get; } = Path.GetFullPath(options.Value.StateDirectory);

    public SluiceOptions Options { get; } = options.Value;

    /// <summary>Where run history and events are kept: the registered provider (e.g. <c>AddPostgresMetadata</c>), else SQLite in the state folder.</summary>
    public IMetadataStoreProvider Metadata { get; } = metadata ?? new SqliteMetadataStoreProvider(Path.Combine(Path.GetFullPath(options.Value.StateDirectory), "sluice.db"));

    /// <summary>An instance without dependency injection, for a console program: <c>SluiceInstance.Create(catalog)</c>.</summary>
    public static SluiceInstance Create(ConnectorCatalog catalog, SluiceOptions? options = null, TimeProvider? time = null) =>
        new(catalog, Microsoft.Extensions.Options.Options.Create(options ?? new SluiceOptions()), time ?? TimeProvider.System);

    /// <summary>
    /// Validates and runs one interval of a pipeline, opening the state folder's store for it. An
    /// invalid pipeline, a failed run and an interval another process holds come back as an
    /// outcome with a message and an exit code, not as exceptions; only cancellation and a failing
    /// store throw.
    /// </summary>
    public async Task<SluiceRunOutcome> RunAsync(PipelineDefinition pipeline, RunRequest request, IRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        var errors = PipelineValidator.Validate(pipeline, Catalog);
        if (errors.Count > 0)
        {
            return new SluiceRunOutcome { Errors = errors };
        }

        await using var store = await OpenStoreAsync(cancellationToken);
        try
        {
            return new SluiceRunOutcome { Result = await CreateRunner(store).RunAsync(pipeline, request, observer, cancellationToken) };
        }
        catch (PipelineValidationException e)
        {
            // Checks that need the run's context (connections, secrets files) come up only here.
            return new SluiceRunOutcome { Errors = e.Errors };
        }
        catch (RunConflictException e)
        {
            return new SluiceRunOutcome { Refusal = e.Message };
        }
    }

    /// <summary>Opens the run history and event log (creating or migrating it on first use).</summary>
    public Task<IMetadataStore> OpenStoreAsync(CancellationToken cancellationToken) => Metadata.OpenAsync(Time, cancellationToken);

    /// <summary>
    /// The event log to write through in this host: <paramref name="log"/>, with this host's listeners told
    /// of every event appended, so metrics follow runs, alerts and SLA misses as they happen.
    /// </summary>
    public IEventLog Events(IEventLog log) => ListenedEventLog.Over(log, _listeners);

    /// <summary>A runner of single intervals in this process over an open store; its events reach this host's listeners.</summary>
    public PipelineRunner CreateRunner(IMetadataStore store) =>
        new(Catalog, store, StateDirectory, new DuckDbDatasetInspector(), Time, Events(EventLogs.Of(store)));
}
