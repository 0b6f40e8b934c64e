using Sluice.Artifacts;
using Sluice.Connectors;
using Sluice.Model;
using Sluice.State;
using Sluice.Templating;
using Sluice.Validation;

namespace Sluice.Execution;

/// <summary>
/// Runs a pipeline's DAG for one data interval on this machine: independent tasks in parallel up to a
/// bound, each with retries and a timeout, every state change recorded in the metadata store.
/// </summary>
public sealed class PipelineRunner(ConnectorCatalog catalog, IMetadataStore store, string stateDirectory, IDatasetInspector? inspector = null)
{
    public async Task<RunResult> RunAsync(PipelineDefinition pipeline, RunRequest request, IRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        PipelineValidator.EnsureValid(pipeline, catalog);
        observer ??= new NullObserver();
        var interval = DataInterval.For(request.LogicalDate, pipeline.Interval, pipeline.TimeZone);
        var secrets = new SecretMasker();
        using var remote = OpenArtifactStore(pipeline, interval, secrets);
        var previous = request.Resume ? await store.LatestRunAsync(pipeline.Name, request.LogicalDate, cancellationToken) : null;
        var previousTasks = previous is null ? [] : await store.ListTasksAsync(previous.Id, cancellationToken);
        var run = await store.StartRunAsync(
            new RunRecord
            {
                Pipeline = pipeline.Name,
                LogicalDate = request.LogicalDate,
                IntervalStart = interval.Start,
                IntervalEnd = interval.End,
                Trigger = request.Trigger,
                StartedAt = DateTimeOffset.UtcNow,
            },
            cancellationToken);

        var execution = new RunExecution(pipeline, run, interval, new RunArtifacts(stateDirectory, pipeline.Name, request.LogicalDate, remote), secrets, store, observer, inspector, catalog);
        observer.RunStarted(run, pipeline.Tasks);
        try
        {
            await execution.InitializeAsync(previousTasks, cancellationToken);
            await execution.ExecuteAsync(request.MaxParallelTasks ?? pipeline.MaxParallelTasks, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await store.FinishRunAsync(run.Id, RunState.Failed, "cancelled", CancellationToken.None);
            throw;
        }

        var tasks = execution.Snapshot();
        var failed = tasks.Where(t => t.State == TaskState.Failed).ToList();
        var error = failed.Count == 0 ? null : string.Join("; ", failed.Select(t => $"task '{t.TaskId}' failed: {t.Error}"));
        var state = failed.Count == 0 ? RunState.Success : RunState.Failed;
        await store.FinishRunAsync(run.Id, state, error, CancellationToken.None);
        var result = new RunResult(run with { State = state, Error = error, EndedAt = DateTimeOffset.UtcNow }, tasks);
        observer.RunFinished(result);
        return result;
    }

    /// <summary>The pipeline's shared artifact store, if it names one; validation has checked the connection and location.</summary>
    private IArtifactStore? OpenArtifactStore(PipelineDefinition pipeline, DataInterval interval, SecretMasker secrets)
    {
        if (pipeline.ArtifactStore is not { } store)
        {
            return null;
        }

        var connection = pipeline.FindConnection(store.Connection)!;
        var templates = new TemplateRenderer(interval, pipeline.Parameters, secrets, SecretsFile.Lookup(pipeline.SecretsFile), string.Empty);
        var options = new ConnectorOptions(connection.Options, catalog.FindConnectionType(connection.Type)?.Options ?? [], templates);
        var location = templates.Render(store.Location, store.SourceLocation);
        return catalog.FindArtifactStore(connection.Type)!.Open(store.Connection, options, location, secrets);
    }

    private sealed class NullObserver : IRunObserver;
}
