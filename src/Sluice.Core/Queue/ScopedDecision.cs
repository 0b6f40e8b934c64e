using Sluice.State;

namespace Sluice.Queue;

/// <summary>
/// For queue stores: decides on a snapshot of a running run that starts with a scope of tasks and widens
/// while the decision asks for more (<see cref="RunChanges.ReadTasks"/>, at worst the whole run), so an
/// outcome costs its task's neighbourhood, not the run's size. Both stores read this way.
/// </summary>
public static class ScopedDecision
{
    /// <param name="read">Reads the run with the given tasks (null: every task) inside the caller's transaction; null when the run does not exist.</param>
    /// <returns>The run and the decision, or null when the run is not running.</returns>
    public static async Task<(RunRecord Run, RunChanges Changes)?> DecideAsync(
        long runId, IReadOnlyCollection<string> scope, Func<IReadOnlySet<string>?, Task<RunSnapshot?>> read, Func<RunSnapshot, RunChanges> decide)
    {
        ArgumentNullException.ThrowIfNull(read);
        ArgumentNullException.ThrowIfNull(decide);
        HashSet<string>? tasks = new(scope, StringComparer.Ordinal);
        while (true)
        {
            var snapshot = await read(tasks);
            if (snapshot?.Run.State != RunState.Running)
            {
                return null;
            }

            var changes = decide(snapshot);
            if (!changes.NeedsMore)
            {
                return (snapshot.Run, changes);
            }

            if (tasks is null)
            {
                throw new InvalidOperationException($"a decision on the whole of run {runId} asked for more of it");
            }

            var before = tasks.Count;
            tasks.UnionWith(changes.ReadTasks ?? []);
            // Asked for the whole run, or for tasks the run does not have (a changed pipeline): read it all.
            tasks = changes.ReadWholeRun || tasks.Count == before ? null : tasks;
        }
    }
}
