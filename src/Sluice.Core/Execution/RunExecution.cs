using Sluice.Artifacts;
using Sluice.Connectors;
using Sluice.Model;
using Sluice.State;

namespace Sluice.Execution;

/// <summary>
/// The local mode: drives one run in this process by asking <see cref="RunScheduler"/> what may run,
/// starting those attempts up to the parallelism bound, and recording each outcome. A failed attempt
/// that may be retried is stored as <c>up_for_retry</c> with its next attempt time; no slot is held
/// while it waits.
/// </summary>
internal sealed class RunExecution(
    PipelineDefinition pipeline,
    RunRecord run,
    RunArtifacts artifacts,
    RunRecorder recorder,
    TaskAttempt attempts,
    PoolGate pools,
    TimeProvider time,
    Incremental.Watermarks? watermarks = null,
    IReadOnlyDictionary<string, TaskDefinition>? fusedPairs = null)
{
    private readonly PipelineGraph _graph = PipelineGraph.Of(pipeline);

    /// <summary>Sources to run in their consumer's session (<see cref="TaskFusion"/>); a pair leaves once it falls back to staging.</summary>
    private readonly Dictionary<string, TaskDefinition> _fused = new(fusedPairs ?? new Dictionary<string, TaskDefinition>(), StringComparer.Ordinal);

    public async Task InitializeAsync(IReadOnlyList<TaskInstanceRecord> previousTasks, CancellationToken cancellationToken)
    {
        // A task is kept only if it succeeded last time, its outputs are still staged, and nothing
        // upstream runs again; otherwise it would publish or load data built from stale inputs.
        // A task cleared by `sluice clear` runs again, but the user chose whether its downstream does
        // (--downstream): tasks below it that were not cleared keep their outputs.
        var kept = new HashSet<string>(StringComparer.Ordinal);
        var cleared = previousTasks.Where(RunClearing.IsCleared).Select(t => t.TaskId).ToHashSet(StringComparer.Ordinal);
        foreach (var task in _graph.RunOrder)
        {
            var earlier = previousTasks.FirstOrDefault(t => t.TaskId == task.Id);
            var reusable = earlier?.State == TaskState.Success
                && _graph.Upstream(task.Id).All(u => kept.Contains(u) || cleared.Contains(u))
                && await AllStagedAsync(task.AllOutputs, cancellationToken);
            if (reusable)
            {
                kept.Add(task.Id);
            }

            var record = reusable
                ? earlier! with { RunId = run.Id, Reused = true, Error = null, RowsRead = 0, RowsWritten = 0, RowsQuarantined = 0 }
                : new TaskInstanceRecord { RunId = run.Id, TaskId = task.Id };
            await recorder.SaveAsync(record, cancellationToken);
        }

        if (watermarks is not null && previousTasks.Count > 0)
        {
            // The reused extracts' held watermarks come along; if their loads are reused too, they commit now.
            await watermarks.AdoptAsync(previousTasks[0].RunId, kept, cancellationToken);
            await watermarks.CommitReadyAsync(recorder.Tasks, cancellationToken);
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
        pipeline.Tasks.Select(t => recorder.Tasks[t.Id]).ToList();

    public async Task ExecuteAsync(int maxParallel, CancellationToken cancellationToken)
    {
        EnsureThreadsFor(maxParallel);
        // Keyed by task id: a task that completes synchronously can share a cached Task instance with another.
        var running = new Dictionary<string, Task>(StringComparer.Ordinal);
        while (true)
        {
            var decision = RunScheduler.Decide(_graph, recorder.Tasks, time.GetUtcNow());
            foreach (var (taskId, state, reason) in decision.Settled)
            {
                await recorder.SaveAsync(recorder.Tasks[taskId] with { State = state, Error = reason, EndedAt = time.GetUtcNow() }, cancellationToken);
            }

            var poolFull = false;
            foreach (var task in decision.Ready.Where(t => !running.ContainsKey(t.Id)))
            {
                if (running.Count >= Math.Max(1, maxParallel))
                {
                    break;
                }

                if (!await pools.TryEnterAsync(task, cancellationToken))
                {
                    // Lower priorities may still start: they may use another pool, or none.
                    poolFull = true;
                    continue;
                }

                // Some drivers (DuckDB.NET) complete their "async" calls synchronously and block the thread.
                // A dedicated thread per task keeps one such task from holding up the others while the
                // thread pool is busy elsewhere (it adds threads only slowly once its minimum is reached).
                var consumer = FusedConsumer(task);
                running.Add(task.Id, Task.Factory.StartNew(
                    () => RunInSlotAsync(task, consumer, cancellationToken),
                    CancellationToken.None,
                    TaskCreationOptions.LongRunning,
                    TaskScheduler.Default).Unwrap());
            }

            var wakeAt = poolFull ? Earliest(decision.WakeAt, time.GetUtcNow() + PoolGate.Recheck) : decision.WakeAt;
            if (running.Count == 0 && decision.Settled.Count > 0)
            {
                continue;
            }

            if (running.Count == 0 && wakeAt is null)
            {
                return;
            }

            // Wake for the first attempt to finish, the next stored retry or sensor time, or a pool slot, whichever comes first.
            using var wakeUp = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var waits = running.Values.ToList();
            if (wakeAt is { } at)
            {
                waits.Add(Task.Delay(Max(at - time.GetUtcNow(), TimeSpan.Zero), time, wakeUp.Token).ContinueWith(_ => { }, TaskScheduler.Default));
            }

            if (poolFull)
            {
                waits.Add(PoolGate.NextRelease);
            }

            var finished = await Task.WhenAny(waits);
            await wakeUp.CancelAsync();
            foreach (var done in running.Where(r => r.Value.IsCompleted).ToList())
            {
                running.Remove(done.Key);
                await done.Value;
            }

            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    private static TimeSpan Max(TimeSpan a, TimeSpan b) => a > b ? a : b;

    private static DateTimeOffset Earliest(DateTimeOffset? a, DateTimeOffset b) => a is { } x && x < b ? x : b;

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

    /// <summary>
    /// The consumer to run a ready source with, fused: only for both tasks' first attempt (a retry, a
    /// resumed consumer or a consumer that reuses a staged copy runs as usual).
    /// </summary>
    private TaskDefinition? FusedConsumer(TaskDefinition task)
    {
        if (!_fused.TryGetValue(task.Id, out var consumer))
        {
            return null;
        }

        var pending = recorder.Tasks[task.Id].TryNumber == 0 && recorder.Tasks[consumer.Id] is { State: TaskState.Pending, TryNumber: 0 };
        return pending ? consumer : null;
    }

    /// <summary>
    /// A source and its consumer as one attempt (<see cref="TaskAttempt.RunFusedAsync"/>). Both are shown
    /// running and both succeed together. If anything goes wrong, nothing is recorded against either:
    /// the consumer goes back to pending and the source runs staged at once, so what fails, retries and
    /// is reported is exactly what the staged path does.
    /// </summary>
    private async Task RunFusedAsync(TaskDefinition source, TaskDefinition consumer, CancellationToken cancellationToken)
    {
        var sourceBefore = recorder.Tasks[source.Id];
        var consumerBefore = recorder.Tasks[consumer.Id];
        var now = time.GetUtcNow();
        await recorder.SaveAsync(sourceBefore with { State = TaskState.Running, TryNumber = 1, StartedAt = now, Error = null, NextAttemptAt = null }, cancellationToken);
        await recorder.SaveAsync(consumerBefore with { State = TaskState.Running, TryNumber = 1, StartedAt = now, Error = null, NextAttemptAt = null }, cancellationToken);
        recorder.Log(source.Id, $"reading straight into task '{consumer.Id}' (fused, '{source.Outputs[0]}' is not staged)", "info");
        try
        {
            var (read, written) = await attempts.RunFusedAsync(
                source, consumer, (message, level) => recorder.Log(source.Id, message, level), (message, level) => recorder.Log(consumer.Id, message, level), cancellationToken);
            artifacts.Publish(consumer.AllOutputs);
            await SucceedAsync(source, read, cancellationToken);
            await SucceedAsync(consumer, written, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            artifacts.Discard(consumer.AllOutputs);
            foreach (var task in new[] { source, consumer })
            {
                await recorder.SaveAsync(recorder.Tasks[task.Id] with { State = TaskState.Failed, EndedAt = time.GetUtcNow(), Error = "cancelled" }, CancellationToken.None);
            }

            throw;
        }
        catch (Exception e)
        {
            artifacts.Discard(consumer.AllOutputs);
            _fused.Remove(source.Id);
            recorder.Log(source.Id, $"fused read abandoned ({TaskAttempt.Describe(e).TrimEnd('.')}); extracting to staging instead", "info");
            await recorder.SaveAsync(consumerBefore, cancellationToken);
            await recorder.SaveAsync(sourceBefore, cancellationToken);
            await RunAttemptAsync(source, cancellationToken);
        }
    }

    /// <summary>One attempt in a pool slot (if the task has a pool), given back however the attempt ends.</summary>
    private async Task RunInSlotAsync(TaskDefinition task, TaskDefinition? fusedConsumer, CancellationToken cancellationToken)
    {
        try
        {
            await (fusedConsumer is null ? RunAttemptAsync(task, cancellationToken) : RunFusedAsync(task, fusedConsumer, cancellationToken));
        }
        finally
        {
            await pools.ExitAsync(task);
        }
    }

    private async Task RunAttemptAsync(TaskDefinition task, CancellationToken cancellationToken)
    {
        var before = recorder.Tasks[task.Id];
        var attempt = before.TryNumber + 1;
        await recorder.SaveAsync(before with { State = TaskState.Running, TryNumber = attempt, StartedAt = before.StartedAt ?? time.GetUtcNow(), Error = null, NextAttemptAt = null }, cancellationToken);
        try
        {
            var outcome = await attempts.RunAsync(task, attempt, (message, level) => recorder.Log(task.Id, message, level), cancellationToken);
            while (outcome.Waiting is { } waiting)
            {
                if (!await SensorWaitAsync(task, before.TryNumber, waiting, cancellationToken))
                {
                    return;
                }

                outcome = await attempts.RunAsync(task, attempt, (message, level) => recorder.Log(task.Id, message, level), cancellationToken);
            }

            artifacts.Publish(task.AllOutputs);
            await SucceedAsync(task, outcome, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            artifacts.Discard(task.AllOutputs);
            await recorder.SaveAsync(recorder.Tasks[task.Id] with { State = TaskState.Failed, EndedAt = time.GetUtcNow(), Error = "cancelled" }, CancellationToken.None);
            throw;
        }
        catch (Exception e)
        {
            artifacts.Discard(task.AllOutputs);
            await RecordFailureAsync(task, attempt, e, cancellationToken);
        }
    }

    private async Task SucceedAsync(TaskDefinition task, TaskOutcome outcome, CancellationToken cancellationToken)
    {
        recorder.Rows(task, outcome);
        await recorder.SaveAsync(
            recorder.Tasks[task.Id] with
            {
                State = TaskState.Success,
                EndedAt = time.GetUtcNow(),
                RowsRead = outcome.RowsRead,
                RowsWritten = outcome.TotalRows,
                RowsQuarantined = outcome.RowsQuarantined,
            },
            cancellationToken);
        if (outcome.RowsQuarantined > 0)
        {
            recorder.Log(task.Id, $"{outcome.RowsQuarantined} row(s) quarantined to dataset '{task.EffectiveQuarantineOutput}'", "warning");
        }

        if (watermarks is not null)
        {
            // Only now are this task's loads committed: a watermark whose loads have all succeeded may move.
            await watermarks.CommitReadyAsync(recorder.Tasks, cancellationToken);
        }
    }

    /// <summary>
    /// A sensor's condition is not met. Past its timeout it fails (or is skipped with soft_fail). In
    /// reschedule mode it stores its next look and frees the slot, not counting the look as a try
    /// (false); in poke mode it waits in its slot and the caller looks again (true).
    /// </summary>
    private async Task<bool> SensorWaitAsync(TaskDefinition task, int triesBefore, string waiting, CancellationToken cancellationToken)
    {
        var settings = Sensors.SensorSettings.Of(task);
        var record = recorder.Tasks[task.Id];
        var now = time.GetUtcNow();
        var waited = now - (record.StartedAt ?? now);
        var deadline = (record.StartedAt ?? now) + settings.Timeout;
        if (now >= deadline)
        {
            var message = $"sensor timed out after {Waited(waited)} (timeout {Waited(settings.Timeout)}): {waiting}";
            recorder.Log(task.Id, settings.SoftFail ? $"{message}; skipped (soft_fail)" : message, settings.SoftFail ? "warning" : "error");
            await recorder.SaveAsync(record with { State = settings.SoftFail ? TaskState.Skipped : TaskState.Failed, EndedAt = now, Error = message, NextAttemptAt = null }, cancellationToken);
            return false;
        }

        // The last look happens at the deadline itself, so the timeout is honoured to the poke.
        var next = Earliest(deadline, now + settings.PokeInterval);
        recorder.Log(task.Id, $"waiting: {waiting}; next look at {next.UtcDateTime:yyyy-MM-dd HH:mm:ss} UTC ({Waited(waited)} waited of {Waited(settings.Timeout)})");
        recorder.Write(Events.EventTypes.SensorWaiting, task.Id, new System.Text.Json.Nodes.JsonObject
        {
            ["waiting_for"] = waiting,
            ["next_poke_at"] = next.ToString("O"),
            ["waited_seconds"] = (long)waited.TotalSeconds,
            ["timeout_seconds"] = (long)settings.Timeout.TotalSeconds,
            ["mode"] = StateNames.Of(settings.Mode),
        });
        if (settings.Mode == Sensors.SensorMode.Poke)
        {
            await Task.Delay(next - now, time, cancellationToken);
            return true;
        }

        await recorder.SaveAsync(record with { State = TaskState.UpForReschedule, TryNumber = triesBefore, NextAttemptAt = next }, cancellationToken);
        return false;
    }

    private static string Waited(TimeSpan span) =>
        span.TotalHours >= 1 ? $"{span.TotalHours:0.##}h" : span.TotalMinutes >= 1 ? $"{span.TotalMinutes:0.##}m" : $"{span.TotalSeconds:0.###}s";

    private async Task RecordFailureAsync(TaskDefinition task, int attempt, Exception e, CancellationToken cancellationToken)
    {
        var message = TaskAttempt.Describe(e);
        var retry = task.Retry ?? pipeline.DefaultRetry;
        if (TaskAttempt.IsRetryable(e) && attempt <= retry.Retries)
        {
            var delay = retry.DelayBefore(attempt);
            recorder.Log(task.Id, $"attempt {attempt} failed: {message.TrimEnd('.')}; retrying in {delay.TotalSeconds:0.###}s", "warning");
            await recorder.SaveAsync(recorder.Tasks[task.Id] with { State = TaskState.UpForRetry, Error = message, NextAttemptAt = time.GetUtcNow() + delay }, cancellationToken);
            return;
        }

        recorder.Log(task.Id, $"failed after {attempt} attempt(s): {message}", "error");
        await recorder.SaveAsync(recorder.Tasks[task.Id] with { State = TaskState.Failed, EndedAt = time.GetUtcNow(), Error = message }, cancellationToken);
    }
}
