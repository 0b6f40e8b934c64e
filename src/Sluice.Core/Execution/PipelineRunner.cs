using System.Text.Json.Nodes;
using Sluice.Artifacts;
using Sluice.Checks;
using Sluice.Connectors;
using Sluice.Contracts;
using Sluice.Events;
using Sluice.Model;
using Sluice.Queue;
using Sluice.Reporting;
using Sluice.State;
using Sluice.Templating;
using Sluice.Validation;

namespace Sluice.Execution;

/// <summary>
/// Runs a pipeline's DAG for one data interval on this machine: independent tasks in parallel up to a
/// bound, each with retries and a timeout, every state change recorded in the metadata store and the
/// event log. The run holds its interval while it lives (a heartbeat), so a second run of the same
/// interval is refused and a run whose process died is seen as abandoned.
/// </summary>
public sealed class PipelineRunner(
    ConnectorCatalog catalog,
    IMetadataStore store,
    string stateDirectory,
    IDatasetInspector? inspector = null,
    TimeProvider? timeProvider = null,
    IEventLog? eventLog = null,
    IPoolSlots? poolSlots = null,
    ICheckRunner? checkRunner = null,
    IContractStore? contractStore = null)
{
    /// <summary>How often a live run renews its heartbeat; a run silent for <see cref="RunLiveness.StaleAfter"/> is abandoned.</summary>
    public static readonly TimeSpan HeartbeatInterval = TimeSpan.FromSeconds(5);

    private readonly TimeProvider _time = timeProvider ?? TimeProvider.System;
    private readonly IEventLog? _events = eventLog ?? store as IEventLog;
    private readonly IContractStore? _contracts = contractStore ?? store as IContractStore;

    // A store that can share pool slots between processes does; otherwise they hold within this process.
    private readonly IPoolSlots _pools = poolSlots ?? store as IPoolSlots ?? InProcessPoolSlots.Shared;

    public async Task<RunResult> RunAsync(PipelineDefinition pipeline, RunRequest request, IRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        PipelineValidator.EnsureValid(pipeline, catalog);
        var queue = request.Queued ? store as ITaskQueue ?? throw new SluiceException("this metadata store has no task queue, so runs cannot go to workers; use the SQLite state folder or the PostgreSQL metadata store") : null;
        if (queue is not null)
        {
            try
            {
                WorkerRequirements.Ensure(pipeline, queue.SharesStateFolder);
                if (request.Cursors != Incremental.CursorRequest.Default && pipeline.Tasks.Any(t => t.Incremental is not null))
                {
                    throw new SluiceException("--full-refresh and --cursor-from/--cursor-to apply to the run in this process, and workers read the stored watermark; run them without --queue. Nothing was queued.");
                }
            }
            catch (SluiceException e) when (request.Claimed is { } claimed)
            {
                // A scheduler claimed the interval before it knew: record why, or the run would stay "running".
                await store.FinishRunAsync(claimed.Id, RunState.Failed, e.Message, cancellationToken);
                throw;
            }
        }

        observer ??= new NullObserver();
        var interval = DataInterval.For(request.LogicalDate, pipeline.Interval, pipeline.TimeZone);
        var secrets = new SecretMasker();
        using var remote = SharedArtifacts.Open(catalog, pipeline, interval, secrets);
        var latest = request.Claimed is null ? await store.LatestRunAsync(pipeline.Name, request.LogicalDate, cancellationToken) : request.ResumeFrom;
        // Clearing asks for exactly this: whatever runs the interval next resumes the cleared run.
        var previous = request.Resume || (latest is not null && RunClearing.IsCleared(latest)) ? latest : null;
        var previousTasks = previous is null ? [] : await store.ListTasksAsync(previous.Id, cancellationToken);
        var run = request.Claimed ?? await StartRunAsync(pipeline, request, observer, cancellationToken);

        await using var events = new EventWriter(_events, message => observer.Log("-", message));
        var recorder = new RunRecorder(run, store, events, observer, secrets, _time);
        recorder.Write(EventTypes.RunStarted, null, new JsonObject
        {
            ["trigger"] = run.Trigger,
            ["interval_start"] = interval.Start.ToString("O"),
            ["interval_end"] = interval.End.ToString("O"),
            ["host"] = run.Host,
            ["process"] = run.ProcessId,
        });
        var artifacts = new RunArtifacts(stateDirectory, pipeline.Name, request.LogicalDate, remote, run.Id);
        var watermarks = new Incremental.Watermarks(pipeline, run.Id, store as Incremental.ICursorStore, request.Cursors, _time, (task, message, level) => recorder.Log(task, message, level), _ => Task.FromResult(recorder.Tasks));
        var attempts = new TaskAttempt(pipeline, run.Id, interval, artifacts, secrets, catalog, inspector, _time, recorder.Write, store, checkRunner ?? inspector as ICheckRunner, _events, _contracts, watermarks);
        var execution = new RunExecution(pipeline, run, artifacts, recorder, attempts, new PoolGate(pipeline, run.Id, _pools), _time, watermarks, TaskFusion.Pairs(pipeline, catalog));
        observer.RunStarted(run, pipeline.Tasks);
        using var stopHeartbeat = new CancellationTokenSource();
        var heartbeat = HeartbeatAsync(run.Id, stopHeartbeat.Token);
        try
        {
            await execution.InitializeAsync(previousTasks, cancellationToken);
            if (queue is not null)
            {
                await events.DisposeAsync();
                var queued = (await new QueuedRunCoordinator(store, queue, new QueuedRunRules(pipeline, PipelineFile(pipeline)), observer, _time).DriveAsync(run, cancellationToken))!;
                // The worker that ran the last load commits the watermark; this covers a worker that died just after recording it.
                await watermarks.CommitReadyAsync(queued.Tasks.ToDictionary(t => t.TaskId, StringComparer.Ordinal), cancellationToken);
                queued = queued with { ReportPath = await WriteReportAsync(queued.Run, queued.Tasks, secrets, observer) };
                observer.RunFinished(queued);
                return queued;
            }

            await execution.ExecuteAsync(request.MaxParallelTasks ?? pipeline.MaxParallelTasks, cancellationToken);
            // Before run_finished, so an anomaly belongs to this run when the alert router reads it.
            await RunAnomalyCheck.EvaluateAsync(pipeline, recorder, _events, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested && queue is null)
        {
            var snapshot = execution.Snapshot();
            await FinishAsync(recorder, run.Id, RunState.Cancelled, "cancelled", snapshot);
            await events.DisposeAsync();
            await WriteReportAsync(run with { State = RunState.Cancelled, Error = "cancelled", EndedAt = _time.GetUtcNow() }, snapshot, secrets, observer);
            throw;
        }
        finally
        {
            await stopHeartbeat.CancelAsync();
            await heartbeat;
            artifacts.RemoveStaging();
        }

        var tasks = execution.Snapshot();
        var (state, error) = RunEvents.Outcome(tasks);
        await FinishAsync(recorder, run.Id, state, error, tasks);
        var finished = run with { State = state, Error = error, EndedAt = _time.GetUtcNow() };
        await events.DisposeAsync();
        var report = await WriteReportAsync(finished, tasks, secrets, observer);
        var result = new RunResult(finished, tasks) { ReportPath = report };
        observer.RunFinished(result);
        return result;
    }

    /// <summary>The record of a new run of this process for an interval, before the store gives it an id.</summary>
    public RunRecord NewRun(PipelineDefinition pipeline, DateOnly logicalDate, string trigger)
    {
        var interval = DataInterval.For(logicalDate, pipeline.Interval, pipeline.TimeZone);
        return new RunRecord
        {
            Pipeline = pipeline.Name,
            LogicalDate = logicalDate,
            IntervalStart = interval.Start,
            IntervalEnd = interval.End,
            Trigger = trigger,
            StartedAt = _time.GetUtcNow(),
            HeartbeatAt = _time.GetUtcNow(),
            Host = RunLiveness.HostName,
            ProcessId = Environment.ProcessId,
        };
    }

    private async Task<RunRecord> StartRunAsync(PipelineDefinition pipeline, RunRequest request, IRunObserver observer, CancellationToken cancellationToken)
    {
        var record = NewRun(pipeline, request.LogicalDate, request.Trigger);
        var announced = false;
        while (true)
        {
            try
            {
                return await store.StartRunAsync(record with { StartedAt = _time.GetUtcNow(), HeartbeatAt = _time.GetUtcNow() }, cancellationToken);
            }
            catch (RunConflictException conflict) when (request.WaitForOtherRun)
            {
                if (!announced)
                {
                    observer.Log("-", $"waiting: {conflict.Message.Split(". Wait")[0]}.");
                    announced = true;
                }

                await Task.Delay(TimeSpan.FromSeconds(1), _time, cancellationToken);
            }
        }
    }

    /// <summary>Where workers load the pipeline from: its file, absolute.</summary>
    private static string PipelineFile(PipelineDefinition pipeline) => Path.GetFullPath(Path.Combine(pipeline.BaseDirectory, pipeline.Location.File));

    private async Task FinishAsync(RunRecorder recorder, long runId, RunState state, string? error, IReadOnlyList<TaskInstanceRecord> tasks)
    {
        await store.FinishRunAsync(runId, state, error, CancellationToken.None);
        recorder.Write(EventTypes.RunFinished, null, RunEvents.RunFinished(state, error, tasks));
    }

    /// <summary>
    /// Writes the run's JSON report beside the run history, once its events are all in the log. A report
    /// that cannot be written is said and never fails the run; returns its path, or null.
    /// </summary>
    private async Task<string?> WriteReportAsync(RunRecord run, IReadOnlyList<TaskInstanceRecord> tasks, SecretMasker secrets, IRunObserver observer)
    {
        var path = RunReport.DefaultPath(stateDirectory, run);
        try
        {
            var events = _events is null ? [] : await _events.ReadAsync(new EventQuery { RunId = run.Id, Limit = int.MaxValue }, CancellationToken.None);
            var report = RunReport.Build(run, tasks, events.Where(e => e.RunId == run.Id).ToList(), []);
            RunReport.Mask(report, secrets.Apply);
            await RunReport.WriteAsync(report, path, CancellationToken.None);
            return path;
        }
        catch (Exception e) when (e is not OutOfMemoryException)
        {
            observer.Log("-", secrets.Apply($"could not write the run report {path}: {e.Message}"));
            return null;
        }
    }

    private async Task HeartbeatAsync(long runId, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(HeartbeatInterval, _time);
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                try
                {
                    await store.HeartbeatAsync(runId, _time.GetUtcNow(), stop);
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A missed beat is retried at the next tick; only a long silence marks the run abandoned.
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private sealed class NullObserver : IRunObserver;
}
