using System.Globalization;
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
                var snapshot = await SnapshotAsync(transaction, runId, cancellationToken);
                if (snapshot?.Run.State == RunState.Running)
                {
                    await ApplyAsync(transaction, snapshot.Run, decide(snapshot), cancellationToken);
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

                var snapshot = (await SnapshotAsync(transaction, next.RunId, cancellationToken, onlyTask: next.TaskId))!;
                var lease = new TaskLease { Item = next, Worker = worker, Token = Guid.NewGuid().ToString("N"), Until = now + leaseFor };
                await ExecuteInAsync(
                    transaction,
                    "UPDATE task_queue SET worker = $worker, lease_token = $token, lease_until = $until WHERE run_id = $run_id AND task_id = $task_id",
                    [("worker", worker), ("token", lease.Token), ("until", Time(lease.Until)), ("run_id", next.RunId), ("task_id", next.TaskId)],
                    cancellationToken);
                await ApplyAsync(transaction, snapshot.Run, start(snapshot, next), cancellationToken);
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
                var snapshot = removed == 1 ? await SnapshotAsync(transaction, lease.Item.RunId, cancellationToken) : null;
                if (snapshot?.Run.State != RunState.Running)
                {
                    return false;
                }

                await ApplyAsync(transaction, snapshot.Run, decide(snapshot), cancellationToken);
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

    private async Task<RunSnapshot?> SnapshotAsync(SqliteTransaction transaction, long runId, CancellationToken cancellationToken, string? onlyTask = null)
    {
        var run = (await QueryInAsync(transaction, "SELECT * FROM runs WHERE id = $id", [("id", runId)], ReadRun, cancellationToken)).FirstOrDefault();
        if (run is null)
        {
            return null;
        }

        var tasks = await QueryInAsync(
            transaction,
            "SELECT * FROM task_instances WHERE run_id = $id AND ($task_id IS NULL OR task_id = $task_id)",
            [("id", runId), ("task_id", onlyTask)],
            ReadTask,
            cancellationToken);
        var queued = await QueryInAsync(
            transaction,
            "SELECT task_id FROM task_queue WHERE run_id = $id AND ($task_id IS NULL OR task_id = $task_id)",
            [("id", runId), ("task_id", onlyTask)],
            r => r.GetString(0),
            cancellationToken);
        return new RunSnapshot
        {
            Run = run,
            Tasks = tasks.ToDictionary(t => t.TaskId, StringComparer.Ordinal),
            Queued = queued.ToHashSet(StringComparer.Ordinal),
            Now = _time.GetUtcNow(),
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
