using Sluice.Model;
using Sluice.State;

namespace Sluice.Execution;

/// <summary>
/// Decides a run's next state transitions from its stored task states and the time alone: which
/// tasks are ready, which can never run, and when to look again. It runs nothing and keeps no state,
/// so the local runner, workers and tests on a fake clock all share one set of rules.
/// </summary>
internal static class RunScheduler
{
    public static RunDecision Decide(PipelineGraph graph, IReadOnlyDictionary<string, TaskInstanceRecord> tasks, DateTimeOffset now) =>
        Decide(graph, tasks, now, graph.RunOrder);

    /// <summary>
    /// Decides over <paramref name="candidates"/> only (in run order): the tasks whose upstream changed since the
    /// last decision, which are the only ones whose answer can differ from it. <paramref name="tasks"/> must
    /// hold them and their upstream tasks.
    /// </summary>
    public static RunDecision Decide(PipelineGraph graph, IReadOnlyDictionary<string, TaskInstanceRecord> tasks, DateTimeOffset now, IEnumerable<TaskDefinition> candidates)
    {
        // Settling one task can settle its downstream in the same pass, so work on a copy of the states.
        var states = tasks.ToDictionary(t => t.Key, t => t.Value.State, StringComparer.Ordinal);
        var settled = new List<(string, TaskState, string)>();
        var ready = new List<TaskDefinition>();
        DateTimeOffset? wake = null;
        foreach (var task in candidates)
        {
            var record = tasks[task.Id];
            if (IsWaiting(record.State))
            {
                if (record.NextAttemptAt is not { } at || at <= now)
                {
                    ready.Add(task);
                }
                else
                {
                    wake = wake is { } w && w < at ? w : at;
                }

                continue;
            }

            if (states[task.Id] != TaskState.Pending)
            {
                continue;
            }

            var upstream = graph.Upstream(task.Id).Select(u => (Id: u, State: states[u])).ToList();
            switch (Evaluate(task.TriggerRule, upstream))
            {
                case (TaskState.Pending, _):
                    break;
                case (TaskState.Running, _):
                    ready.Add(task);
                    break;
                case var (state, reason):
                    states[task.Id] = state;
                    settled.Add((task.Id, state, reason));
                    break;
            }
        }

        var active = states.Values.Any(s => s == TaskState.Running || IsWaiting(s)) || ready.Count > 0;
        // OrderBy is stable: equal priorities keep the run order.
        return new RunDecision { Settled = settled, Ready = ready.OrderByDescending(t => t.Priority).ToList(), WakeAt = wake, Finished = !active };
    }

    /// <summary>A retry or a sensor's next look: ready again at its stored time, holding no slot until then.</summary>
    public static bool IsWaiting(TaskState state) => state is TaskState.UpForRetry or TaskState.UpForReschedule;

    /// <summary>Pending (wait), Running (start it) or a final state with its reason.</summary>
    private static (TaskState State, string Reason) Evaluate(TriggerRule rule, IReadOnlyList<(string Id, TaskState State)> upstream)
    {
        var failed = upstream.FirstOrDefault(u => u.State is TaskState.Failed or TaskState.UpstreamFailed).Id;
        var allDone = upstream.All(u => IsFinal(u.State));
        switch (rule)
        {
            case TriggerRule.AllSuccess:
                if (failed is not null)
                {
                    return (TaskState.UpstreamFailed, $"upstream task '{failed}' did not succeed");
                }

                if (!allDone)
                {
                    return (TaskState.Pending, string.Empty);
                }

                var skipped = upstream.FirstOrDefault(u => u.State == TaskState.Skipped).Id;
                return skipped is null ? (TaskState.Running, string.Empty) : (TaskState.Skipped, $"upstream task '{skipped}' was skipped");
            case TriggerRule.AllDone:
                return allDone ? (TaskState.Running, string.Empty) : (TaskState.Pending, string.Empty);
            case TriggerRule.OneFailed:
                if (failed is not null)
                {
                    return (TaskState.Running, string.Empty);
                }

                return allDone ? (TaskState.Skipped, "no upstream task failed (trigger rule one_failed)") : (TaskState.Pending, string.Empty);
            default:
                throw new ArgumentOutOfRangeException(nameof(rule), rule, null);
        }
    }

    public static bool IsFinal(TaskState state) =>
        state is TaskState.Success or TaskState.Failed or TaskState.UpstreamFailed or TaskState.Skipped;
}
