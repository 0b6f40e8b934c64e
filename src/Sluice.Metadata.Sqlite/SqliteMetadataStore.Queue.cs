using System.Globalization;
using System.Text.Json;
using Microsoft.Data.Sqlite;
using Sluice.Queue;
using Sluice.State;

namespace Sluice.Metadata.Sqlite;

/// <summary>
/// The worker queue in the same file as the run history, so a claim, an outcome and the next ready
/// tasks are one <c>BEGIN IMMEDIATE</c> transaction with the task states and events they change.
/// </summary>
public sealed partial class SqliteMetadataStore : ITaskQueue
{
    /// <summary>Workers open this same file, so they share its folder and the artifacts staged in it.</summary>
    public bool SharesStateFolder => true;

    public Task AdvanceAsync(long runId, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async transaction =>
            {
                if (await DecideAsync(transaction, runId, [], decide, cancellationToken) is var (run, changes))
                {
                    await ApplyAsync(transaction, run, changes, cancellationToken);
                }

                return 0;
            },
            cancellationToken);

    public Task<TaskLease?> ClaimAsync(string worker, TimeSpan leaseFor, Func<RunSnapshot, QueueItem, RunChanges> start, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async transaction =>
            {
                var now = _time.GetUtcNow();
                // Items of runs that stopped (finished, cancelled, abandoned) are never claimed; ExpiredLeasesAsync removes them.
                var next = (await QueryInAsync(
                    transaction,
                    """
                    SELECT q.* FROM task_queue q JOIN runs r ON r.id = q.run_id
                    WHERE q.lease_token IS NULL AND q.available_at <= $now AND r.state = 'running'
                    ORDER BY q.available_at, q.rowid LIMIT 1
                    """,
                    [("now", Time(now))],
                    ReadItem,
                    cancellationToken)).FirstOrDefault();
                if (next is null)
                {
                    return null;
                }

                var (run, changes) = (await DecideAsync(transaction, next.RunId, [next.TaskId], s => start(s, next), cancellationToken))!.Value;
                var lease = new TaskLease { Item = next, Worker = worker, Token = Guid.NewGuid().ToString("N"), Until = now + leaseFor };
                await ExecuteInAsync(
                    transaction,
                    "UPDATE task_queue SET worker = $worker, lease_token = $token, lease_until = $until WHERE run_id = $run_id AND task_id = $task_id",
                    [("worker", worker), ("token", lease.Token), ("until", Time(lease.Until)), ("run_id", next.RunId), ("task_id", next.TaskId)],
                    cancellationToken);
                await ApplyAsync(transaction, run, changes, cancellationToken);
                return lease;
            },
            cancellationToken);

    public Task<bool> RenewAsync(TaskLease lease, TimeSpan leaseFor, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async transaction => await ExecuteInAsync(
                transaction,
                """
                UPDATE task_queue SET lease_until = $until
                WHERE run_id = $run_id AND task_id = $task_id AND lease_token = $token
                  AND EXISTS (SELECT 1 FROM runs WHERE id = $run_id AND state = 'running')
                """,
                [("until", Time(_time.GetUtcNow() + leaseFor)), ("run_id", lease.Item.RunId), ("task_id", lease.Item.TaskId), ("token", lease.Token)],
                cancellationToken) == 1,
            cancellationToken);

    public Task<bool> FinishAsync(TaskLease lease, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async transaction =>
            {
                var removed = await ExecuteInAsync(
                    transaction,
                    "DELETE FROM task_queue WHERE run_id = $run_id AND task_id = $task_id AND lease_token = $token",
                    [("run_id", lease.Item.RunId), ("task_id", lease.Item.TaskId), ("token", lease.Token)],
                    cancellationToken);
                if (removed != 1 || await DecideAsync(transaction, lease.Item.RunId, [lease.Item.TaskId], decide, cancellationToken) is not var (run, changes))
                {
                    return false;
                }

                await ApplyAsync(transaction, run, changes, cancellationToken);
                return true;
            },
            cancellationToken);

    public async Task<IReadOnlyList<TaskLease>> ExpiredLeasesAsync(CancellationToken cancellationToken)
    {
        // Runs whose coordinator died are abandoned here too, and items of runs that stopped are dropped.
        await InTransactionAsync(
            async t =>
            {
                await ReapAbandonedAsync(t, null, cancellationToken);
                return await ExecuteInAsync(t, "DELETE FROM task_queue WHERE run_id IN (SELECT id FROM runs WHERE state <> 'running')", [], cancellationToken);
            },
            cancellationToken);
        return await QueryAsync(
            "SELECT * FROM task_queue WHERE lease_token IS NOT NULL AND lease_until < $now ORDER BY lease_until",
            [("now", Time(_time.GetUtcNow()))],
            r => new TaskLease { Item = ReadItem(r), Worker = Text(r, "worker")!, Token = Text(r, "lease_token")!, Until = ParseTime(r, "lease_until")!.Value },
            cancellationToken);
    }

    /// <summary>Decides on the run read by scope, widened while the decision asks for more; null when the run is not running.</summary>
    private Task<(RunRecord Run, RunChanges Changes)?> DecideAsync(
        SqliteTransaction transaction, long runId, IReadOnlyCollection<string> scope, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken) =>
        ScopedDecision.DecideAsync(runId, scope, tasks => SnapshotAsync(transaction, runId, tasks, cancellationToken), decide);

    /// <param name="scope">The tasks to read; null for the whole run.</param>
    private async Task<RunSnapshot?> SnapshotAsync(SqliteTransaction transaction, long runId, IReadOnlySet<string>? scope, CancellationToken cancellationToken)
    {
        var run = (await QueryInAsync(transaction, "SELECT * FROM runs WHERE id = $id", [("id", runId)], ReadRun, cancellationToken)).FirstOrDefault();
        if (run is null)
        {
            return null;
        }

        // The scope goes in as one JSON array parameter, so the statement text never changes with it.
        var ids = scope is null ? null : JsonSerializer.Serialize(scope);
        // Two texts rather than "$ids IS NULL OR ...", which would make SQLite scan the run instead of seeking the keys.
        var inScope = ids is null ? string.Empty : "AND task_id IN (SELECT value FROM json_each($ids))";
        var tasks = await QueryInAsync(transaction, $"SELECT * FROM task_instances WHERE run_id = $id {inScope}", [("id", runId), ("ids", ids)], ReadTask, cancellationToken);
        var queued = await QueryInAsync(transaction, $"SELECT task_id FROM task_queue WHERE run_id = $id {inScope}", [("id", runId), ("ids", ids)], r => r.GetString(0), cancellationToken);
        var elsewhere = ids is not null && Convert.ToInt64(
            await ScalarInAsync(
                transaction,
                """
                SELECT EXISTS (SELECT 1 FROM task_instances WHERE run_id = $id AND state IN ($pending, $running, $retry, $reschedule)
                  AND task_id NOT IN (SELECT value FROM json_each($ids)))
                """,
                [("id", runId), ("ids", ids), ("pending", StateNames.Of(TaskState.Pending)), ("running", StateNames.Of(TaskState.Running)),
                 ("retry", StateNames.Of(TaskState.UpForRetry)), ("reschedule", StateNames.Of(TaskState.UpForReschedule))],
                cancellationToken),
            CultureInfo.InvariantCulture) != 0;
        return new RunSnapshot
        {
            Run = run,
            Tasks = tasks.ToDictionary(t => t.TaskId, StringComparer.Ordinal),
            Queued = queued.ToHashSet(StringComparer.Ordinal),
            Now = _time.GetUtcNow(),
            Partial = scope is not null,
            UnfinishedElsewhere = elsewhere,
        };
    }

    private async Task ApplyAsync(SqliteTransaction transaction, RunRecord run, RunChanges changes, CancellationToken cancellationToken)
    {
        foreach (var task in changes.Save)
        {
            await SaveTaskInAsync(transaction, task, cancellationToken);
        }

        foreach (var item in changes.Enqueue)
        {
            await ExecuteInAsync(
                transaction,
                """
                INSERT INTO task_queue (run_id, task_id, pipeline, pipeline_file, logical_date, available_at)
                VALUES ($run_id, $task_id, $pipeline, $pipeline_file, $logical_date, $available_at) ON CONFLICT DO NOTHING
                """,
                [("run_id", item.RunId), ("task_id", item.TaskId), ("pipeline", item.Pipeline), ("pipeline_file", item.PipelineFile),
                 ("logical_date", Date(item.LogicalDate)), ("available_at", Time(item.AvailableAt))],
                cancellationToken);
        }

        foreach (var runEvent in changes.Events)
        {
            await AppendInAsync(transaction, runEvent, cancellationToken);
        }

        if (changes.Finish is var (state, error))
        {
            await ExecuteInAsync(
                transaction,
                "UPDATE runs SET state = $state, ended_at = $ended_at, error = $error WHERE id = $id",
                [("state", StateNames.Of(state)), ("ended_at", Time(_time.GetUtcNow())), ("error", error), ("id", run.Id)],
                cancellationToken);
            await ExecuteInAsync(transaction, "DELETE FROM task_queue WHERE run_id = $id", [("id", run.Id)], cancellationToken);
        }
    }

    private static QueueItem ReadItem(SqliteDataReader r) => new()
    {
        RunId = r.GetInt64(r.GetOrdinal("run_id")),
        TaskId = r.GetString(r.GetOrdinal("task_id")),
        Pipeline = r.GetString(r.GetOrdinal("pipeline")),
        PipelineFile = r.GetString(r.GetOrdinal("pipeline_file")),
        LogicalDate = DateOnly.ParseExact(r.GetString(r.GetOrdinal("logical_date")), "yyyy-MM-dd", CultureInfo.InvariantCulture),
        AvailableAt = ParseTime(r, "available_at")!.Value,
    };

    private async Task<int> ExecuteInAsync(SqliteTransaction transaction, string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
