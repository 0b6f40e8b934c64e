using System.Text.Json.Nodes;
using Sluice.Artifacts;
using Sluice.Checks;
using Sluice.Connectors;
using Sluice.Contracts;
using Sluice.Events;
using Sluice.Model;
using Sluice.Templating;
using Sluice.Validation;

namespace Sluice.Execution;

/// <summary>
/// Runs one attempt of one task: clear its staged outputs, fetch its inputs, run the connector,
/// enforce the declared contracts and checks of what it wrote, and upload the outputs to a shared store. It
/// neither retries nor records state; the caller decides what a failure means.
/// </summary>
internal sealed class TaskAttempt(
    PipelineDefinition pipeline,
    long runId,
    DataInterval interval,
    RunArtifacts artifacts,
    SecretMasker secrets,
    ConnectorCatalog catalog,
    IDatasetInspector? inspector,
    TimeProvider time,
    Action<string, string?, JsonObject> emit,
    State.IMetadataStore? store = null,
    ICheckRunner? checkRunner = null,
    IEventLog? history = null,
    IContractStore? contractStore = null,
    Incremental.Watermarks? watermarks = null)
{
    private readonly ContractEnforcement? _contracts =
        inspector is null ? null : new(pipeline, runId, interval, inspector, contractStore, time, emit);

    private readonly DatasetCheckStep _checks = new(pipeline, interval, artifacts, checkRunner, history, emit);

    /// <param name="log">A log line and its level (info, warning).</param>
    public Task<TaskOutcome> RunAsync(TaskDefinition task, int attempt, Action<string, string> log, CancellationToken cancellationToken) =>
        WithTimeoutAsync(task, token => AttemptAsync(task, catalog.Find(task.Kind, task.Connector)!, attempt, log, token), cancellationToken);

    /// <summary>
    /// One attempt of a fused pair (<see cref="TaskFusion"/>): the consumer runs with the source's read
    /// bound in its session, under the consumer's timeout. Nothing of the source is staged; its outcome
    /// is what the consumer's engine reports of the read. Any failure leaves the caller to run both staged.
    /// </summary>
    public async Task<(TaskOutcome Source, TaskOutcome Consumer)> RunFusedAsync(
        TaskDefinition source, TaskDefinition consumer, Action<string, string> sourceLog, Action<string, string> consumerLog, CancellationToken cancellationToken)
    {
        var sourceConnector = catalog.Find(source.Kind, source.Connector)!;
        var fused = new FusedInput { Dataset = source.Outputs[0], Source = await CreateContextAsync(source, sourceConnector, 1, sourceLog, null, cancellationToken), Connector = sourceConnector };
        var consumerOutcome = await WithTimeoutAsync(consumer, token => AttemptAsync(consumer, catalog.Find(consumer.Kind, consumer.Connector)!, 1, consumerLog, token, fused), cancellationToken);
        var sourceOutcome = fused.Outcome!;
        EmptySourceCheck.Apply(source, sourceOutcome, interval, fused.Source.Log, payload => emit(EventTypes.EmptyInterval, source.Id, payload));
        await _checks.RunAsync(source, sourceOutcome, sourceLog, cancellationToken);
        artifacts.Unpublish(fused.Dataset);
        return (sourceOutcome, consumerOutcome);
    }

    private async Task<TaskOutcome> WithTimeoutAsync(TaskDefinition task, Func<CancellationToken, Task<TaskOutcome>> attempt, CancellationToken cancellationToken)
    {
        var timeout = task.Timeout ?? pipeline.DefaultTimeout;
        using var limit = timeout is { } t ? new CancellationTokenSource(t, time) : new CancellationTokenSource();
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, limit.Token);
        try
        {
            return await attempt(linked.Token);
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            throw new TaskTimeoutException(timeout!.Value);
        }
    }

    private async Task<TaskContext> CreateContextAsync(TaskDefinition task, IConnector connector, int attempt, Action<string, string> log, FusedInput? fused, CancellationToken token)
    {
        var templates = new TemplateRenderer(interval, pipeline.Parameters, secrets, SecretsFile.Lookup(pipeline.SecretsFile), runId.ToString(System.Globalization.CultureInfo.InvariantCulture), SecretsFile.IsSecret(pipeline.SecretsFile));
        return new TaskContext
        {
            Pipeline = pipeline,
            Task = task,
            Interval = interval,
            Templates = templates,
            Artifacts = artifacts,
            Options = new ConnectorOptions(task.Options, connector.Options, templates),
            Log = message => log(message, "info"),
            TryNumber = attempt,
            Catalog = catalog,
            Store = store,
            Time = time,
            Emit = (type, payload) => emit(type, task.Id, payload),
            FusedInputs = fused is null ? new Dictionary<string, FusedInput>() : new Dictionary<string, FusedInput> { [fused.Dataset] = fused },
            Incremental = watermarks is null ? null : await watermarks.ReadForAsync(task, token),
            WatermarksToCommit = watermarks is null ? [] : await watermarks.CompletedByAsync(task, token),
        };
    }

    private async Task<TaskOutcome> AttemptAsync(TaskDefinition task, IConnector connector, int attempt, Action<string, string> log, CancellationToken token, FusedInput? fused = null)
    {
        artifacts.Discard(task.AllOutputs);
        var context = await CreateContextAsync(task, connector, attempt, log, fused, token);
        if (context.Incremental is { } read)
        {
            context.Log(read.Describe());
        }

        await artifacts.FetchAsync(task.Inputs.Where(i => fused?.Dataset != i), token);
        var outcome = await connector.ExecuteAsync(context, token);
        if (fused is { Outcome: null })
        {
            throw new FusionDeclinedException($"task '{task.Id}' did not read '{fused.Dataset}' in place");
        }

        EmptySourceCheck.Apply(task, outcome, interval, context.Log, payload => emit(EventTypes.EmptyInterval, task.Id, payload));
        var contracts = await CheckContractsAsync(task, context.Log, token);
        await _checks.RunAsync(task, outcome, log, token);
        if (task.Checks.Count > 0 || task.Metrics.Count > 0)
        {
            var sink = connector as ICheckableSink
                ?? throw new NonRetryableException($"task '{task.Id}' declares checks on its table, but {task.Kind.ToString().ToLowerInvariant()} '{task.Connector}' cannot read its table back; declare the checks on the dataset it loads.");
            await _checks.RunTableAsync(task, sink, context, log, token);
        }

        await artifacts.UploadStagedAsync(task.AllOutputs, token);
        await contracts.SaveAsync(token);
        if (context.Incremental is { } incremental)
        {
            await watermarks!.ExtractedAsync(task, incremental, outcome, token);
        }

        return outcome;
    }

    /// <summary>Enforces the contracts of the task's outputs (<see cref="ContractEnforcement"/>); what they record waits for the attempt's success.</summary>
    private Task<ContractRecording> CheckContractsAsync(TaskDefinition task, Action<string> log, CancellationToken token) =>
        _contracts is null ? Task.FromResult(ContractRecording.None) : _contracts.CheckAsync(task, artifacts.WritePath, log, token);

    /// <summary>Whether another attempt may succeed: errors that fail the same way every time are not retried.</summary>
    public static bool IsRetryable(Exception e) => e is not (NonRetryableException or PipelineValidationException);

    /// <summary>The message recorded for a failed attempt; the caller masks secrets.</summary>
    public static string Describe(Exception? e) => e switch
    {
        null => "unknown error",
        SluiceException => e.Message,
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerException),
        _ => $"{e.GetType().Name}: {e.Message}",
    };
}
