using System.Collections.Concurrent;
using Polly;
using Polly.Retry;
using Polly.Timeout;
using Sluice.Artifacts;
using Sluice.Connectors;
using Sluice.Model;
using Sluice.State;
using Sluice.Templating;
using Sluice.Validation;

namespace Sluice.Execution;

/// <summary>The mutable state of one run while its tasks execute.</summary>
internal sealed class RunExecution(
    PipelineDefinition pipeline,
    RunRecord run,
    DataInterval interval,
    RunArtifacts artifacts,
    SecretMasker secrets,
    IMetadataStore store,
    IRunObserver observer,
    IDatasetInspector? inspector,
    ConnectorCatalog catalog)
{
    private readonly ConcurrentDictionary<string, TaskInstanceRecord> _tasks = new(StringComparer.Ordinal);

    public async Task InitializeAsync(IReadOnlyList<TaskInstanceRecord> previousTasks, CancellationToken cancellationToken)
    {
        // A task is kept only if it succeeded last time, its outputs are still staged, and nothing
        // upstream runs again; otherwise it would publish or load data built from stale inputs.
        var kept = new HashSet<string>(StringComparer.Ordinal);
        foreach (var task in Model.PipelineDescriber.RunOrder(pipeline))
        {
            var earlier = previousTasks.FirstOrDefault(t => t.TaskId == task.Id);
            var reusable = earlier?.State == TaskState.Success
                && PipelineValidator.Upstream(pipeline, task).All(kept.Contains)
                && await AllStagedAsync(task.AllOutputs, cancellationToken);
            if (reusable)
            {
                kept.Add(task.Id);
            }

            var record = reusable
                ? earlier! with { RunId = run.Id, Reused = true, Error = null, RowsRead = 0, RowsWritten = 0, RowsQuarantined = 0 }
                : new TaskInstanceRecord { RunId = run.Id, TaskId = task.Id };
            await SaveAsync(record, cancellationToken);
        }
    }

    private async Task<bool> AllStagedAsync(IEnumerable<string> datasets, CancellationToken cancellationToken)
    {
        foreach (var dataset in datasets)
        {
            if (!await artifacts.ExistsAnywhereAsync(dataset, cancellationToken))
            {
                return false;
            }
        }

        return true;
    }

    public IReadOnlyList<TaskInstanceRecord> Snapshot() =>
        pipeline.Tasks.Select(t => _tasks[t.Id]).ToList();

    public async Task ExecuteAsync(int maxParallel, CancellationToken cancellationToken)
    {
        EnsureThreadsFor(maxParallel);
        // Keyed by task id: a task that completes synchronously can share a cached Task instance with another.
        var running = new Dictionary<string, Task>(StringComparer.Ordinal);
        while (true)
        {
            await MarkUpstreamFailuresAsync(cancellationToken);
            var ready = pipeline.Tasks
                .Where(t => _tasks[t.Id].State == TaskState.Pending && !running.ContainsKey(t.Id))
                .Where(t => PipelineValidator.Upstream(pipeline, t).All(u => _tasks[u].State == TaskState.Success))
                .ToList();
            foreach (var task in ready.Take(Math.Max(1, maxParallel) - running.Count))
            {
                // Some drivers (DuckDB.NET) complete their "async" calls synchronously and block the thread.
                // A dedicated thread per task keeps one such task from holding up the others while the
                // thread pool is busy elsewhere (it adds threads only slowly once its minimum is reached).
                running.Add(task.Id, Task.Factory.StartNew(
                    () => RunTaskAsync(task, cancellationToken),
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default).Unwrap());
            }

            if (running.Count == 0)
            {
                return;
            }

            var finished = await Task.WhenAny(running.Values);
            var id = running.First(r => r.Value == finished).Key;
            running.Remove(id);
            await finished;
        }
    }

    /// <summary>
    /// After a task's first real await, its blocking driver calls run on pool threads. The pool creates
    /// threads up to its minimum at once and only slowly beyond it, so a run with N parallel blocking
    /// tasks would otherwise serialise behind that ramp whenever the pool is already in use.
    /// </summary>
    private static void EnsureThreadsFor(int maxParallel)
    {
        ThreadPool.GetMinThreads(out var workers, out var completionPorts);
        var wanted = Math.Min(Environment.ProcessorCount + (2 * Math.Max(1, maxParallel)), 512);
        if (workers < wanted)
        {
            ThreadPool.SetMinThreads(wanted, completionPorts);
        }
    }

    private async Task MarkUpstreamFailuresAsync(CancellationToken cancellationToken)
    {
        bool changed;
        do
        {
            changed = false;
            foreach (var task in pipeline.Tasks.Where(t => _tasks[t.Id].State == TaskState.Pending))
            {
                var upstream = PipelineValidator.Upstream(pipeline, task);
                var broken = upstream.FirstOrDefault(u => _tasks[u].State is TaskState.Failed or TaskState.UpstreamFailed);
                if (broken is not null)
                {
                    await SaveAsync(_tasks[task.Id] with { State = TaskState.UpstreamFailed, Error = $"upstream task '{broken}' did not succeed" }, cancellationToken);
                    changed = true;
                }
            }
        }
        while (changed);
    }

    private async Task RunTaskAsync(TaskDefinition task, CancellationToken cancellationToken)
    {
        var connector = catalog.Find(task.Kind, task.Connector)!;
        var retry = task.Retry ?? pipeline.DefaultRetry;
        var timeout = task.Timeout ?? pipeline.DefaultTimeout;
        var started = DateTimeOffset.UtcNow;
        var attempt = 0;
        var resilience = BuildResilience(task, retry, timeout, cancellationToken);
        try
        {
            var outcome = await resilience.ExecuteAsync(
                async token =>
                {
                    attempt++;
                    await SaveAsync(_tasks[task.Id] with { State = TaskState.Running, TryNumber = attempt, StartedAt = started, Error = null }, cancellationToken);
                    return await AttemptAsync(task, connector, attempt, token);
                },
                cancellationToken);
            artifacts.Publish(task.AllOutputs);
            await SaveAsync(
                _tasks[task.Id] with
                {
                    State = TaskState.Success,
                    EndedAt = DateTimeOffset.UtcNow,
                    RowsRead = outcome.RowsRead,
                    RowsWritten = outcome.TotalRows,
                    RowsQuarantined = outcome.RowsQuarantined,
                },
                cancellationToken);
            if (outcome.RowsQuarantined > 0)
            {
                Log(task.Id, $"{outcome.RowsQuarantined} row(s) quarantined to dataset '{task.EffectiveQuarantineOutput}'");
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            artifacts.Discard(task.AllOutputs);
            await SaveAsync(_tasks[task.Id] with { State = TaskState.Failed, EndedAt = DateTimeOffset.UtcNow, Error = "cancelled" }, CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            artifacts.Discard(task.AllOutputs);
            var message = secrets.Apply(Describe(e, timeout));
            Log(task.Id, $"failed after {attempt} attempt(s): {message}");
            await SaveAsync(_tasks[task.Id] with { State = TaskState.Failed, EndedAt = DateTimeOffset.UtcNow, Error = message }, cancellationToken);
        }
    }

    private async Task<TaskOutcome> AttemptAsync(TaskDefinition task, IConnector connector, int attempt, CancellationToken token)
    {
        artifacts.Discard(task.AllOutputs);
        var templates = new TemplateRenderer(interval, pipeline.Parameters, secrets, SecretsFile.Lookup(pipeline.SecretsFile), run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture));
        var context = new TaskContext
        {
            Pipeline = pipeline,
            Task = task,
            Interval = interval,
            Templates = templates,
            Artifacts = artifacts,
            Options = new ConnectorOptions(task.Options, connector.Options, templates),
            Log = message => Log(task.Id, message),
            TryNumber = attempt,
            Catalog = catalog,
        };
        await artifacts.FetchAsync(task.Inputs, token);
        var outcome = await connector.ExecuteAsync(context, token);
        EmptySourceCheck.Apply(task, outcome, interval, context.Log);
        await CheckContractsAsync(task, token);
        await artifacts.UploadStagedAsync(task.AllOutputs, token);
        return outcome;
    }

    private async Task CheckContractsAsync(TaskDefinition task, CancellationToken token)
    {
        if (inspector is null)
        {
            return;
        }

        foreach (var output in task.Outputs)
        {
            if (pipeline.FindDataset(output) is { Columns.Count: > 0 } declared && File.Exists(artifacts.WritePath(output)))
            {
                var actual = await inspector.DescribeAsync(artifacts.WritePath(output), token);
                if (SchemaContract.Diff(declared, actual) is { } drift)
                {
                    throw new BadDataException(drift);
                }
            }
        }
    }

    private ResiliencePipeline<TaskOutcome> BuildResilience(TaskDefinition task, RetrySettings retry, TimeSpan? timeout, CancellationToken runToken)
    {
        var builder = new ResiliencePipelineBuilder<TaskOutcome>();
        if (retry.Retries > 0)
        {
            builder.AddRetry(new RetryStrategyOptions<TaskOutcome>
            {
                MaxRetryAttempts = retry.Retries,
                ShouldHandle = new PredicateBuilder<TaskOutcome>().Handle<Exception>(e =>
                    e is not (NonRetryableException or PipelineValidationException) && !runToken.IsCancellationRequested),
                DelayGenerator = args => ValueTask.FromResult<TimeSpan?>(retry.DelayBefore(args.AttemptNumber + 1)),
                OnRetry = async args =>
                {
                    var message = secrets.Apply(Describe(args.Outcome.Exception, timeout));
                    Log(task.Id, $"attempt {args.AttemptNumber + 1} failed: {message.TrimEnd('.')}; retrying in {args.RetryDelay.TotalSeconds:0.###}s");
                    await SaveAsync(_tasks[task.Id] with { State = TaskState.UpForRetry, Error = message }, runToken);
                },
            });
        }

        if (timeout is { } limit)
        {
            builder.AddTimeout(limit);
        }

        return builder.Build();
    }

    private static string Describe(Exception? e, TimeSpan? timeout) => e switch
    {
        null => "unknown error",
        TimeoutRejectedException => $"timed out after {timeout}",
        SluiceException => e.Message,
        AggregateException { InnerExceptions.Count: 1 } a => Describe(a.InnerException, timeout),
        _ => $"{e.GetType().Name}: {e.Message}",
    };

    private void Log(string taskId, string message) => observer.Log(taskId, secrets.Apply(message));

    private async Task SaveAsync(TaskInstanceRecord record, CancellationToken cancellationToken)
    {
        _tasks[record.TaskId] = record;
        await store.SaveTaskAsync(record, cancellationToken);
        observer.TaskChanged(record);
    }
}
