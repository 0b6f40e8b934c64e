using Npgsql;
using NpgsqlTypes;
using Sluice.Queue;
using Sluice.State;

namespace Sluice.Metadata.Postgres;

/// <summary>
/// Snapshots of a run for the queue's decisions, read by scope as the SQLite store reads them: an
/// outcome reads its task's neighbourhood, not the run, so its cost does not grow with the run (a
/// 1,000-task chain read 1,000 task rows per hand-over before).
/// </summary>
public sealed partial class PostgresMetadataStore
{
    /// <summary>
    /// Decides on the run read by scope, widened while the decision asks for more; null when the run is not
    /// running. Callers hold the run's row (a decision locks it, a claim holds it by key share).
    /// </summary>
    private Task<(RunRecord Run, RunChanges Changes)?> DecideAsync(
        NpgsqlConnection c, NpgsqlTransaction t, long runId, IReadOnlyCollection<string> scope, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken) =>
        ScopedDecision.DecideAsync(runId, scope, tasks => SnapshotAsync(c, t, runId, tasks, cancellationToken), decide);

    /// <param name="scope">The tasks to read; null for the whole run.</param>
    /// <remarks>One batch, so one round trip: a hand-over reads a snapshot once or twice, and on a busy
    /// server the round trips, not the rows, were most of its cost.</remarks>
    private async Task<RunSnapshot?> SnapshotAsync(NpgsqlConnection c, NpgsqlTransaction t, long runId, IReadOnlySet<string>? scope, CancellationToken cancellationToken)
    {
        // Two texts rather than "@ids IS NULL OR ...", so the scoped read is always a key lookup.
        var inScope = scope is null ? string.Empty : "AND task_id = ANY (@ids)";
        NpgsqlParameter[] Scoped() => scope is null ? [Id("id", runId)] : [Id("id", runId), Texts("ids", scope)];
        await using var batch = new NpgsqlBatch(c, t);
        batch.BatchCommands.Add(Batched($"SELECT * FROM {_schema}.runs WHERE id = @id", [Id("id", runId)]));
        batch.BatchCommands.Add(Batched($"SELECT * FROM {_schema}.task_instances WHERE run_id = @id {inScope}", Scoped()));
        batch.BatchCommands.Add(Batched($"SELECT task_id FROM {_schema}.task_queue WHERE run_id = @id {inScope}", Scoped()));
        if (scope is not null)
        {
            batch.BatchCommands.Add(Batched(
                $"SELECT EXISTS (SELECT 1 FROM {_schema}.task_instances WHERE run_id = @id AND state = ANY (@unfinished) AND NOT (task_id = ANY (@ids)))",
                [.. Scoped(), Texts("unfinished", Unfinished)]));
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        var run = await reader.ReadAsync(cancellationToken) ? ReadRun(reader) : null;
        var tasks = new Dictionary<string, TaskInstanceRecord>(StringComparer.Ordinal);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var task = ReadTask(reader);
            tasks[task.TaskId] = task;
        }

        var queued = new HashSet<string>(StringComparer.Ordinal);
        await reader.NextResultAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            queued.Add(reader.GetString(0));
        }

        var elsewhere = false;
        if (scope is not null && await reader.NextResultAsync(cancellationToken) && await reader.ReadAsync(cancellationToken))
        {
            elsewhere = reader.GetBoolean(0);
        }

        return run is null ? null : new RunSnapshot
        {
            Run = run,
            Tasks = tasks,
            Queued = queued,
            Now = _time.GetUtcNow(),
            Partial = scope is not null,
            UnfinishedElsewhere = elsewhere,
        };
    }

    private static readonly string[] Unfinished =
        [StateNames.Of(TaskState.Pending), StateNames.Of(TaskState.Running), StateNames.Of(TaskState.UpForRetry), StateNames.Of(TaskState.UpForReschedule)];
}
