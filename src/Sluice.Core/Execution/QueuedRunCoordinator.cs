using Sluice.Queue;
using Sluice.State;

namespace Sluice.Execution;

/// <summary>
/// The coordinator of a run whose tasks go to workers: it enqueues the first ready tasks, then only
/// watches. Workers record each outcome and enqueue the next ready tasks in the same transaction, and
/// the last one finishes the run; the coordinator turns leases of dead workers into lost attempts,
/// keeps the run's heartbeat (in <see cref="PipelineRunner"/>), reports progress, and on cancellation
/// cancels the run. All it knows is stored, so a new coordinator can take a run over.
/// </summary>
internal sealed class QueuedRunCoordinator(IMetadataStore store, ITaskQueue queue, QueuedRunRules rules, IRunObserver observer, TimeProvider time)
{
    /// <summary>How often the coordinator looks at the run and for expired leases; the run's progress does not wait on it.</summary>
    public static readonly TimeSpan Poll = TimeSpan.FromMilliseconds(500);

    /// <param name="detach">Stops watching without touching the run, as a coordinator that dies would; another can take over.</param>
    public async Task<RunResult?> DriveAsync(RunRecord run, CancellationToken cancellationToken, CancellationToken detach = default)
    {
        var seen = new Dictionary<string, TaskInstanceRecord>(StringComparer.Ordinal);
        try
        {
            await queue.AdvanceAsync(run.Id, rules.Advance, cancellationToken);
            while (true)
            {
                foreach (var lease in (await queue.ExpiredLeasesAsync(cancellationToken)).Where(l => l.Item.RunId == run.Id))
                {
                    await queue.FinishAsync(lease, snapshot => rules.LeaseLost(snapshot, lease), cancellationToken);
                }

                var current = await store.GetRunAsync(run.Id, cancellationToken) ?? run;
                var tasks = await store.ListTasksAsync(run.Id, cancellationToken);
                foreach (var task in tasks.Where(t => !seen.TryGetValue(t.TaskId, out var before) || before != t))
                {
                    seen[task.TaskId] = task;
                    observer.TaskChanged(task);
                }

                if (current.State != RunState.Running)
                {
                    var ordered = rules.Pipeline.Tasks.Select(t => seen[t.Id]).ToList();
                    return new RunResult(current, ordered);
                }

                using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, detach);
                await Task.Delay(Poll, time, wait.Token);
            }
        }
        catch (OperationCanceledException) when (detach.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await queue.AdvanceAsync(run.Id, snapshot => QueuedRunRules.Cancelled(snapshot, "cancelled"), CancellationToken.None);
            throw;
        }
    }
}
