using System.Globalization;
using Sluice.Connectors;
using Sluice.Events;
using Sluice.Model;
using Sluice.Queue;
using Sluice.State;

namespace Sluice.Execution;

/// <summary>
/// What each queue transaction of a distributed run writes, decided from the run's stored snapshot with
/// <see cref="RunScheduler"/>: an attempt starts, succeeds, fails (retry at a stored time or fail), its
/// worker is lost, or it is handed back; then the next ready tasks are enqueued and, once nothing can
/// change, the run is finished. The process that records an outcome advances the run in the same
/// transaction, so no coordinator polling sits between a task and its downstream.
/// </summary>
internal sealed class QueuedRunRules(PipelineDefinition pipeline, string pipelineFile)
{
    private readonly PipelineGraph _graph = PipelineGraph.Of(pipeline);

    public PipelineDefinition Pipeline => pipeline;

    /// <summary>Enqueue what is ready now (the coordinator's start, or a restart's catch-up).</summary>
    public RunChanges Advance(RunSnapshot snapshot) => new Changes(this, snapshot, null).Advance();

    public static RunChanges AttemptStarted(RunSnapshot snapshot, string taskId, string worker)
    {
        var changes = new Changes(null, snapshot, worker);
        var before = snapshot.Tasks[taskId];
        changes.Set(before with { State = TaskState.Running, TryNumber = before.TryNumber + 1, StartedAt = before.StartedAt ?? snapshot.Now, EndedAt = null, Error = null, NextAttemptAt = null });
        return changes.Build();
    }

    public RunChanges AttemptSucceeded(RunSnapshot snapshot, string taskId, string worker, TaskOutcome outcome)
    {
        var changes = new Changes(this, snapshot, worker);
        changes.Set(snapshot.Tasks[taskId] with
        {
            State = TaskState.Success,
            EndedAt = snapshot.Now,
            RowsRead = outcome.RowsRead,
            RowsWritten = outcome.TotalRows,
            RowsQuarantined = outcome.RowsQuarantined,
        });
        return changes.Advance(taskId);
    }

    /// <summary>A failed attempt: retried at a stored time when the error allows and retries remain, else failed.</summary>
    public RunChanges AttemptFailed(RunSnapshot snapshot, string taskId, string worker, string maskedError, bool retryable)
    {
        var changes = new Changes(this, snapshot, worker);
        var record = snapshot.Tasks[taskId];
        var retry = _graph.Task(taskId)!.Retry ?? pipeline.DefaultRetry;
        if (retryable && record.TryNumber <= retry.Retries)
        {
            var at = snapshot.Now + retry.DelayBefore(record.TryNumber);
            changes.Set(record with { State = TaskState.UpForRetry, Error = maskedError, NextAttemptAt = at });
            changes.Enqueue(taskId, at);
            changes.Log(taskId, $"attempt {record.TryNumber} failed: {maskedError.TrimEnd('.')}; retrying in {(at - snapshot.Now).TotalSeconds:0.###}s", "warning");
        }
        else
        {
            changes.Set(record with { State = TaskState.Failed, EndedAt = snapshot.Now, Error = maskedError });
            changes.Log(taskId, $"failed after {record.TryNumber} attempt(s): {maskedError}", "error");
        }

        return changes.Advance(taskId);
    }

    /// <summary>The lease ran out: the worker died or hung. That attempt counts; the task is retried or fails as "worker lost".</summary>
    public RunChanges LeaseLost(RunSnapshot snapshot, TaskLease lease)
    {
        var record = snapshot.Tasks[lease.Item.TaskId];
        var error = $"worker lost: worker '{lease.Worker}' stopped renewing its lease on attempt {record.TryNumber} (expired {lease.Until.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC; killed, crashed or cut off)";
        return AttemptFailed(snapshot, lease.Item.TaskId, lease.Worker, error, retryable: true);
    }

    /// <summary>A worker stopping hands an unfinished attempt back: it does not count, and the task is queued again at once.</summary>
    public RunChanges Released(RunSnapshot snapshot, string taskId, string worker)
    {
        var changes = new Changes(this, snapshot, worker);
        var record = snapshot.Tasks[taskId];
        var earlier = Math.Max(0, record.TryNumber - 1);
        changes.Set(record with
        {
            State = earlier > 0 ? TaskState.UpForRetry : TaskState.Pending,
            TryNumber = earlier,
            StartedAt = earlier > 0 ? record.StartedAt : null,
            NextAttemptAt = earlier > 0 ? snapshot.Now : null,
            Error = earlier > 0 ? record.Error : null,
        });
        changes.Enqueue(taskId, snapshot.Now);
        changes.Log(taskId, $"worker '{worker}' stopped before attempt {record.TryNumber} finished and handed it back", "warning");
        return changes.Build();
    }

    /// <summary>The coordinator was stopped: every unfinished task fails as cancelled and the run is cancelled.</summary>
    public static RunChanges Cancelled(RunSnapshot snapshot, string reason) => Stop(snapshot, null, RunState.Cancelled, reason);

    /// <summary>A worker cannot load the run's pipeline: nothing more of the run can be decided, so it fails with the reason.</summary>
    public static RunChanges Unloadable(RunSnapshot snapshot, string worker, string reason) => Stop(snapshot, worker, RunState.Failed, reason);

    private static RunChanges Stop(RunSnapshot snapshot, string? worker, RunState state, string reason)
    {
        if (snapshot.Partial)
        {
            return WholeRun;
        }

        var changes = new Changes(null, snapshot, worker);
        foreach (var record in snapshot.Tasks.Values.Where(t => !RunScheduler.IsFinal(t.State)))
        {
            changes.Set(record with { State = TaskState.Failed, EndedAt = snapshot.Now, Error = reason });
        }

        return changes.Finish(state, reason);
    }

    /// <summary>What a decision on a partial snapshot returns when it must see every task of the run.</summary>
    private static readonly RunChanges WholeRun = new() { ReadWholeRun = true };

    public QueueItem Item(long runId, DateOnly logicalDate, string taskId, DateTimeOffset availableAt) => new()
    {
        RunId = runId,
        TaskId = taskId,
        Pipeline = pipeline.Name,
        PipelineFile = pipelineFile,
        LogicalDate = logicalDate,
        AvailableAt = availableAt,
    };

    /// <summary>The changes of one transaction, over the snapshot as those changes leave it.</summary>
    private sealed class Changes(QueuedRunRules? rules, RunSnapshot snapshot, string? worker)
    {
        private readonly Dictionary<string, TaskInstanceRecord> _tasks = new(snapshot.Tasks, StringComparer.Ordinal);
        private readonly HashSet<string> _queued = new(snapshot.Queued, StringComparer.Ordinal);
        private readonly List<TaskInstanceRecord> _save = [];
        private readonly List<QueueItem> _enqueue = [];
        private readonly List<RunEvent> _events = [];

        public void Set(TaskInstanceRecord record)
        {
            var before = _tasks[record.TaskId].State;
            _tasks[record.TaskId] = record;
            _save.RemoveAll(r => r.TaskId == record.TaskId);
            _save.Add(record);
            if (before != record.State)
            {
                _events.Add(RunEvents.Of(snapshot.Run, EventTypes.TaskStateChanged, record.TaskId, RunEvents.TaskStateChanged(record, before, worker), snapshot.Now));
            }
        }

        public void Enqueue(string taskId, DateTimeOffset at)
        {
            if (_queued.Add(taskId))
            {
                _enqueue.Add(rules!.Item(snapshot.Run.Id, snapshot.Run.LogicalDate, taskId, at));
            }
        }

        public void Log(string taskId, string text, string level) =>
            _events.Add(RunEvents.Of(snapshot.Run, EventTypes.Log, taskId, new() { ["level"] = level, ["text"] = text }, snapshot.Now));

        /// <param name="changed">The tasks this transaction changed; on a partial snapshot only their downstream is decided.</param>
        public RunChanges Advance(params string[] changed)
        {
            var graph = rules!._graph;
            if (snapshot.Partial)
            {
                return changed.Length == 0 ? WholeRun : AdvanceAround(graph, changed);
            }

            var decision = RunScheduler.Decide(graph, _tasks, snapshot.Now);
            foreach (var (taskId, state, reason) in decision.Settled)
            {
                Set(_tasks[taskId] with { State = state, Error = reason, EndedAt = snapshot.Now });
            }

            foreach (var task in decision.Ready)
            {
                Enqueue(task.Id, snapshot.Now);
            }

            if (_tasks.Values.Any(t => !RunScheduler.IsFinal(t.State)))
            {
                return Build();
            }

            var (outcome, error) = RunEvents.Outcome(rules.Pipeline.Tasks.Select(t => _tasks[t.Id]));
            return Finish(outcome, error);
        }

        /// <summary>
        /// Decides only the downstream of the changed tasks: after every decision the run is settled (each
        /// pending task whose rule holds is queued or settled), so they are the only tasks whose answer can
        /// differ. A task settling without running, or the run perhaps ending, is decided over the whole run.
        /// </summary>
        private RunChanges AdvanceAround(PipelineGraph graph, string[] changed)
        {
            var candidates = changed.SelectMany(graph.Downstream).Distinct(StringComparer.Ordinal)
                .Select(id => graph.Task(id)!).OrderBy(t => graph.RunPosition(t.Id)).ToList();
            var missing = candidates.SelectMany(t => graph.Upstream(t.Id).Append(t.Id)).Where(id => !_tasks.ContainsKey(id)).ToHashSet(StringComparer.Ordinal);
            if (missing.Count > 0)
            {
                return new RunChanges { ReadTasks = missing };
            }

            var decision = RunScheduler.Decide(graph, _tasks, snapshot.Now, candidates);
            if (decision.Settled.Count > 0)
            {
                return WholeRun;
            }

            foreach (var task in decision.Ready)
            {
                Enqueue(task.Id, snapshot.Now);
            }

            return snapshot.UnfinishedElsewhere || _tasks.Values.Any(t => !RunScheduler.IsFinal(t.State)) ? Build() : WholeRun;
        }

        public RunChanges Finish(RunState state, string? error)
        {
            _events.Add(RunEvents.Of(snapshot.Run, EventTypes.RunFinished, null, RunEvents.RunFinished(state, error, _tasks.Values), snapshot.Now));
            return Build() with { Finish = (state, error) };
        }

        public RunChanges Build() => new() { Save = _save, Enqueue = _enqueue, Events = _events };
    }
}
