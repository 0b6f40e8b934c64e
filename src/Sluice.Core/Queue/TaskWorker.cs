using System.Collections.Concurrent;
using Sluice.Artifacts;
using Sluice.Connectors;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Model;
using Sluice.State;
using Sluice.Templating;
using Sluice.Validation;

namespace Sluice.Queue;

/// <summary>
/// A worker: claims queued task instances up to its concurrency, holds each with a lease renewed by a
/// heartbeat, runs one attempt with <see cref="TaskAttempt"/>, and records the outcome through the queue,
/// which enqueues the downstream tasks in the same transaction. It also turns other workers' expired
/// leases into lost attempts. Stopping it stops claiming, lets attempts finish within the grace period
/// and hands back the rest, uncounted.
/// </summary>
public sealed class TaskWorker
{
    private readonly ConnectorCatalog _catalog;
    private readonly IMetadataStore _store;
    private readonly ITaskQueue _queue;
    private readonly IEventLog? _events;
    private readonly string _stateDirectory;
    private readonly WorkerOptions _options;
    private readonly IDatasetInspector? _inspector;
    private readonly TimeProvider _time;
    private readonly Func<QueueItem, PipelineDefinition> _resolve;
    private readonly ConcurrentDictionary<string, (DateTime Written, PipelineDefinition Pipeline)> _pipelines = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _crash = new();
    private readonly Action<string> _report;

    public TaskWorker(
        ConnectorCatalog catalog,
        IMetadataStore store,
        ITaskQueue queue,
        string stateDirectory,
        WorkerOptions options,
        IDatasetInspector? inspector = null,
        TimeProvider? time = null,
        Func<QueueItem, PipelineDefinition>? resolvePipeline = null,
        Action<string>? report = null)
    {
        _catalog = catalog;
        _store = store;
        _queue = queue;
        _events = store as IEventLog;
        _stateDirectory = stateDirectory;
        _options = options;
        _inspector = inspector;
        _time = time ?? TimeProvider.System;
        _resolve = resolvePipeline ?? LoadPipeline;
        _report = report ?? (_ => { });
    }

    public string Name => _options.Name;

    /// <summary>Attempts finished by this worker (its result recorded), for tests and the log.</summary>
    public int Completed => _completed;

    private int _completed;

    /// <summary>
    /// Works until <paramref name="stopping"/> is cancelled, then stops claiming, waits up to the grace
    /// period for the attempts it holds, hands back those still running, and returns.
    /// </summary>
    public async Task RunAsync(CancellationToken stopping)
    {
        // A slot is free once the attempt's outcome is recorded (Freed), before its clean-up ends (Hold), so
        // the successor a chain's outcome just enqueued is claimed without waiting for that clean-up.
        var running = new Dictionary<string, (Task Hold, Task Freed)>(StringComparer.Ordinal);
        using var handBack = new CancellationTokenSource();
        var lastReap = DateTimeOffset.MinValue;
        var wakeup = _queue as IQueueWakeup;
        while (!stopping.IsCancellationRequested && !_crash.IsCancellationRequested)
        {
            // Taken before looking, so work queued after the look (even before the wait) wakes the worker.
            var mark = wakeup?.Mark() ?? 0;
            try
            {
                if (_time.GetUtcNow() - lastReap >= _options.Poll)
                {
                    lastReap = _time.GetUtcNow();
                    await ReapExpiredAsync(stopping);
                }

                while (running.Values.Count(r => !r.Freed.IsCompleted) < Math.Max(1, _options.Concurrency) && !stopping.IsCancellationRequested)
                {
                    var claim = await ClaimAsync(stopping);
                    if (claim is null)
                    {
                        break;
                    }

                    var (lease, attempt) = claim.Value;
                    var freed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
                    var hold = Task.Factory.StartNew(
                        () => HoldAsync(lease, attempt, freed, handBack.Token),
                        CancellationToken.None,
                        TaskCreationOptions.LongRunning,
                        TaskScheduler.Default).Unwrap();
                    running[lease.Token] = (hold, freed.Task);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested || _crash.IsCancellationRequested)
            {
                break;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                // The store may be busy or briefly unreachable; look again after the poll interval.
                _report($"worker {Name}: {e.Message}");
            }

            using var wake = CancellationTokenSource.CreateLinkedTokenSource(stopping, _crash.Token);
            var waits = running.Values.Select(r => r.Freed).Where(f => !f.IsCompleted).Append(Task.Delay(_options.Poll, _time, wake.Token)).ToList();
            if (wakeup is not null && running.Values.Count(r => !r.Freed.IsCompleted) < Math.Max(1, _options.Concurrency))
            {
                waits.Add(wakeup.WaitForWorkAsync(mark, wake.Token));
            }

            await Task.WhenAny(waits);
            await wake.CancelAsync();
            Forget(running);
        }

        if (!_crash.IsCancellationRequested && running.Count > 0)
        {
            using var grace = CancellationTokenSource.CreateLinkedTokenSource(_crash.Token);
            await Task.WhenAny(Task.WhenAll(running.Values.Select(r => r.Hold)), Task.Delay(_options.ShutdownGrace, _time, grace.Token).ContinueWith(_ => { }, TaskScheduler.Default));
            await grace.CancelAsync();
            await handBack.CancelAsync();
        }

        await Task.WhenAll(running.Values.Select(r => r.Hold));
    }

    /// <summary>
    /// Stops as a killed process would: no further heartbeat, result or hand-back, so the leases it
    /// holds expire and other workers take the tasks over. For fault-injection tests.
    /// </summary>
    public void Crash() => _crash.Cancel();

    private static void Forget(Dictionary<string, (Task Hold, Task Freed)> running)
    {
        foreach (var done in running.Where(r => r.Value.Hold.IsCompleted).Select(r => r.Key).ToList())
        {
            running.Remove(done);
        }
    }

    private async Task<(TaskLease Lease, int Attempt)?> ClaimAsync(CancellationToken cancellationToken)
    {
        var attempt = 0;
        var lease = await _queue.ClaimAsync(
            Name,
            _options.Lease,
            (snapshot, item) =>
            {
                var changes = QueuedRunRules.AttemptStarted(snapshot, item.TaskId, Name);
                attempt = changes.Save[0].TryNumber;
                return changes;
            },
            cancellationToken);
        return lease is null ? null : (lease, attempt);
    }

    private async Task ReapExpiredAsync(CancellationToken cancellationToken)
    {
        foreach (var lease in await _queue.ExpiredLeasesAsync(cancellationToken))
        {
            PipelineDefinition pipeline;
            try
            {
                pipeline = _resolve(lease.Item);
            }
            catch (SluiceException)
            {
                continue; // The coordinator, which holds the pipeline, reaps it.
            }

            var rules = new QueuedRunRules(pipeline, lease.Item.PipelineFile);
            await _queue.FinishAsync(lease, snapshot => rules.LeaseLost(snapshot, lease), cancellationToken);
        }
    }

    private async Task HoldAsync(TaskLease lease, int attempt, TaskCompletionSource freed, CancellationToken handBack)
    {
        using var lost = new CancellationTokenSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(lost.Token, handBack, _crash.Token);
        using var stopBeating = CancellationTokenSource.CreateLinkedTokenSource(_crash.Token);
        var heartbeat = BeatAsync(lease, lost, stopBeating.Token);
        try
        {
            await AttemptAsync(lease, attempt, lost, handBack, freed, stop.Token);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            _report($"worker {Name}: could not record task '{lease.Item.TaskId}' of run {lease.Item.RunId}: {e.Message}; its lease will expire and another worker retries it");
        }
        catch (OperationCanceledException)
        {
        }
        finally
        {
            freed.TrySetResult();
            await stopBeating.CancelAsync();
            await heartbeat;
        }
    }

    private async Task AttemptAsync(TaskLease lease, int attempt, CancellationTokenSource lost, CancellationToken handBack, TaskCompletionSource freed, CancellationToken stop)
    {
        var item = lease.Item;
        PipelineDefinition pipeline;
        try
        {
            pipeline = _resolve(item);
        }
        catch (SluiceException e)
        {
            await FinishAsync(lease, s => QueuedRunRules.Unloadable(s, Name, $"worker '{Name}' cannot load the pipeline: {e.Message}"), freed);
            return;
        }

        var task = pipeline.FindTask(item.TaskId)!;
        var runRules = new QueuedRunRules(pipeline, item.PipelineFile);
        var interval = DataInterval.For(item.LogicalDate, pipeline.Interval, pipeline.TimeZone);
        var run = new RunRecord { Id = item.RunId, Pipeline = pipeline.Name, LogicalDate = item.LogicalDate, IntervalStart = interval.Start, IntervalEnd = interval.End };
        var secrets = new SecretMasker();
        using var remote = SharedArtifacts.Open(_catalog, pipeline, interval, secrets);
        var artifacts = new RunArtifacts(_stateDirectory, pipeline.Name, item.LogicalDate, remote, item.RunId, attempt: lease.Token);
        await using var events = new EventWriter(_events, _report);
        var recorder = new RunRecorder(run, _store, events, NoObserver.Instance, secrets, _time);
        var watermarks = new Incremental.Watermarks(pipeline, item.RunId, _store as Incremental.ICursorStore, Incremental.CursorRequest.Default, _time, (id, message, level) => recorder.Log(id, message, level), async token => (await _store.ListTasksAsync(item.RunId, token)).ToDictionary(t => t.TaskId, StringComparer.Ordinal));
        var attempts = new TaskAttempt(pipeline, item.RunId, interval, artifacts, secrets, _catalog, _inspector, _time, recorder.Write, _store, _inspector as Checks.ICheckRunner, _events, _store as Contracts.IContractStore, watermarks);
        try
        {
            var outcome = await attempts.RunAsync(task, attempt, (message, level) => recorder.Log(task.Id, message, level), stop);
            outcome = await PokeUntilMetAsync(attempts, task, attempt, outcome, recorder, stop);
            artifacts.Publish(task.AllOutputs);
            recorder.Rows(task, outcome);
            if (await FinishAsync(lease, s => runRules.AttemptSucceeded(s, task.Id, Name, outcome), freed) && pipeline.Tasks.Any(t => t.Incremental is not null))
            {
                await CommitWatermarksAsync(watermarks, item);
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            artifacts.Discard(task.AllOutputs);
            if (handBack.IsCancellationRequested && !lost.IsCancellationRequested && !_crash.IsCancellationRequested)
            {
                await FinishAsync(lease, s => runRules.Released(s, task.Id, Name), freed);
            }
        }
        catch (Exception e)
        {
            artifacts.Discard(task.AllOutputs);
            var message = secrets.Apply(TaskAttempt.Describe(e));
            await FinishAsync(lease, s => runRules.AttemptFailed(s, task.Id, Name, message, TaskAttempt.IsRetryable(e)), freed);
        }
        finally
        {
            artifacts.RemoveStaging();
        }
    }

    /// <summary>Whichever worker records the last load of an extract commits its held watermark.</summary>
    private async Task CommitWatermarksAsync(Incremental.Watermarks watermarks, QueueItem item)
    {
        try
        {
            var tasks = await _store.ListTasksAsync(item.RunId, CancellationToken.None);
            await watermarks.CommitReadyAsync(tasks.ToDictionary(t => t.TaskId, StringComparer.Ordinal), CancellationToken.None);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            // The task's success is recorded; an uncommitted watermark only means the next run reads these rows again.
            _report($"worker {Name}: the watermark of run {item.RunId} was not committed ({e.Message}); the run that queued it tries again when the run ends, else the next run reads those rows again");
        }
    }

    /// <summary>Records the outcome unless the lease was lost meanwhile (then another attempt owns the task and this result is dropped).</summary>
    private async Task<bool> FinishAsync(TaskLease lease, Func<RunSnapshot, Queue.RunChanges> decide, TaskCompletionSource freed)
    {
        _crash.Token.ThrowIfCancellationRequested();
        var recorded = await _queue.FinishAsync(lease, decide, CancellationToken.None);
        freed.TrySetResult();
        if (recorded)
        {
            Interlocked.Increment(ref _completed);
        }
        else
        {
            _report($"worker {Name}: the lease on task '{lease.Item.TaskId}' of run {lease.Item.RunId} was lost (expired or the run stopped); this attempt's result is discarded");
        }

        return recorded;
    }

    /// <summary>
    /// Renews the lease while the attempt runs. A refused renewal means another worker owns the task now;
    /// a worker that cannot reach the queue stops its attempt before the lease would run out (it fences
    /// itself), since from then on another worker may take the task over.
    /// </summary>
    private async Task BeatAsync(TaskLease lease, CancellationTokenSource lost, CancellationToken stop)
    {
        using var timer = new PeriodicTimer(_options.Heartbeat, _time);
        var heldUntil = lease.Until;
        try
        {
            while (await timer.WaitForNextTickAsync(stop))
            {
                var asked = _time.GetUtcNow();
                try
                {
                    if (!await _queue.RenewAsync(lease, _options.Lease, stop))
                    {
                        await lost.CancelAsync();
                        return;
                    }

                    heldUntil = asked + _options.Lease;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A missed beat is retried at the next tick, unless the lease would run out before it.
                }

                if (_time.GetUtcNow() + _options.Heartbeat >= heldUntil)
                {
                    _report($"worker {Name}: could not renew the lease on task '{lease.Item.TaskId}' of run {lease.Item.RunId} in time; stopping the attempt so another worker can take it");
                    await lost.CancelAsync();
                    return;
                }
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    private PipelineDefinition LoadPipeline(QueueItem item)
    {
        if (!File.Exists(item.PipelineFile))
        {
            throw new SluiceException($"pipeline file {item.PipelineFile} of run {item.RunId} does not exist on worker {Name}; every worker must see the pipeline at the path the run was started with.");
        }

        var written = File.GetLastWriteTimeUtc(item.PipelineFile);
        if (_pipelines.TryGetValue(item.PipelineFile, out var known) && known.Written == written)
        {
            return known.Pipeline;
        }

        var pipeline = PipelineLoader.LoadValid(item.PipelineFile, _catalog);
        _pipelines[item.PipelineFile] = (written, pipeline);
        return pipeline;
    }

    private sealed class NoObserver : IRunObserver
    {
        public static readonly NoObserver Instance = new();
    }

    /// <summary>
    /// A sensor on a worker looks again in place, holding its slot (poke mode): the queue has no
    /// "up for reschedule" state yet. Past its timeout it fails, soft_fail included, and says so.
    /// </summary>
    private async Task<TaskOutcome> PokeUntilMetAsync(TaskAttempt attempts, TaskDefinition task, int attempt, TaskOutcome outcome, RunRecorder recorder, CancellationToken stop)
    {
        if (outcome.Waiting is null)
        {
            return outcome;
        }

        var settings = Sensors.SensorSettings.Of(task);
        var deadline = _time.GetUtcNow() + settings.Timeout;
        while (outcome.Waiting is { } waiting)
        {
            if (_time.GetUtcNow() >= deadline)
            {
                throw new NonRetryableException($"sensor timed out on a worker after {settings.Timeout} (timeout): {waiting}");
            }

            recorder.Log(task.Id, $"waiting on a worker (the slot is held between looks): {waiting}");
            await Task.Delay(settings.PokeInterval, _time, stop);
            outcome = await attempts.RunAsync(task, attempt, (message, level) => recorder.Log(task.Id, message, level), stop);
        }

        return outcome;
    }
}
