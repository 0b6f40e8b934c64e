using System.Globalization;
using Sluice.Model;
using Sluice.State;
using Sluice.Validation;

namespace Sluice.Execution;

/// <summary>The latest run of one interval and the tasks of it that a clear sends back to run again.</summary>
public sealed record ClearedRun(RunRecord Run, IReadOnlyList<string> Tasks);

/// <summary>
/// <c>sluice clear</c>, with Airflow's meaning: the chosen task instances of the latest run of each
/// interval go back to <c>pending</c> and the run to <c>failed</c>, both marked as cleared, so the next
/// run of that interval (<c>sluice run</c>, <c>backfill</c>, or a scheduler pass) resumes it: it runs the
/// cleared tasks again and keeps the others' published outputs, downstream ones included unless they
/// were cleared too (<c>--downstream</c>).
/// </summary>
public static class RunClearing
{
    /// <summary>How a cleared task instance and its run are marked, in their <c>error</c>.</summary>
    public const string Marker = "cleared by sluice clear";

    public static bool IsCleared(TaskInstanceRecord task) =>
        task.State == TaskState.Pending && task.Error?.StartsWith(Marker, StringComparison.Ordinal) == true;

    public static bool IsCleared(RunRecord run) =>
        run.State == RunState.Failed && run.Error?.StartsWith(Marker, StringComparison.Ordinal) == true;

    /// <summary>The tasks to clear: those named (checked, with "did you mean") and, with <paramref name="downstream"/>, all below them, in run order.</summary>
    public static IReadOnlyList<string> Select(PipelineDefinition pipeline, IReadOnlyList<string> taskIds, bool downstream)
    {
        var unknown = taskIds.Where(id => pipeline.FindTask(id) is null).ToList();
        if (unknown.Count > 0)
        {
            throw new SluiceException(string.Join(" ", unknown.Select(id => Suggestions.UnknownName("task", id, pipeline.Tasks.Select(t => t.Id), $"in pipeline '{pipeline.Name}'"))));
        }

        var graph = PipelineGraph.Of(pipeline);
        var chosen = new HashSet<string>(taskIds, StringComparer.Ordinal);
        if (downstream)
        {
            chosen.UnionWith(graph.Descendants(taskIds));
        }

        return graph.RunOrder.Select(t => t.Id).Where(chosen.Contains).ToList();
    }

    /// <summary>
    /// What a clear of [<paramref name="from"/>, <paramref name="to"/>] touches: the latest run of each
    /// interval that has one. Refused whole when one of them is still running.
    /// </summary>
    public static async Task<IReadOnlyList<ClearedRun>> PlanAsync(IMetadataStore store, PipelineDefinition pipeline, IReadOnlyList<string> tasks, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        var runs = await store.ListRunsAsync(pipeline.Name, from, to, cancellationToken);
        var latest = runs.GroupBy(r => r.LogicalDate).Select(g => g.MaxBy(r => r.Id)!).OrderBy(r => r.LogicalDate).ToList();
        var running = latest.Where(r => r.State == RunState.Running).ToList();
        if (running.Count > 0)
        {
            var names = string.Join("; ", running.Select(r => $"run {r.Id} for {Day(r.LogicalDate)} (process {r.ProcessId?.ToString(CultureInfo.InvariantCulture) ?? "?"} on {r.Host ?? "?"})"));
            throw new SluiceException($"cannot clear while a run is in progress: {names}. Wait for it to finish (or stop it), then clear again; nothing was cleared.");
        }

        return latest.Select(r => new ClearedRun(r, tasks)).ToList();
    }

    /// <summary>Marks the planned task instances pending and their runs failed, both as cleared.</summary>
    public static async Task ApplyAsync(IMetadataStore store, IReadOnlyList<ClearedRun> plan, TimeProvider time, CancellationToken cancellationToken)
    {
        var at = time.GetUtcNow().UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture);
        foreach (var (run, tasks) in plan)
        {
            var recorded = (await store.ListTasksAsync(run.Id, cancellationToken)).ToDictionary(t => t.TaskId, StringComparer.Ordinal);
            foreach (var task in tasks)
            {
                var before = recorded.GetValueOrDefault(task) ?? new TaskInstanceRecord { RunId = run.Id, TaskId = task };
                await store.SaveTaskAsync(
                    before with
                    {
                        State = TaskState.Pending,
                        Error = $"{Marker} at {at} UTC (was {StateNames.Of(before.State)}); runs again on the next run of this interval",
                        StartedAt = null,
                        EndedAt = null,
                        NextAttemptAt = null,
                        Reused = false,
                        RowsRead = 0,
                        RowsWritten = 0,
                        RowsQuarantined = 0,
                    },
                    cancellationToken);
            }

            await store.FinishRunAsync(run.Id, RunState.Failed, $"{Marker} at {at} UTC: {string.Join(", ", tasks)} run again on the next run of this interval", cancellationToken);
        }
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
