using Npgsql;
using NpgsqlTypes;
using Sluice.Queue;
using Sluice.State;

namespace Sluice.Metadata.Postgres;

/// <summary>
/// The worker queue beside the run history, so a claim, an outcome and the next ready tasks are one
/// transaction with the task states and events they change. Decisions over a run (advance, finish)
/// lock the run's row <c>FOR UPDATE</c> first, so two workers finishing sibling tasks take turns and the
/// second sees the first's outcome. A claim takes its item <c>FOR UPDATE SKIP LOCKED</c> and the run's row
/// <c>FOR KEY SHARE SKIP LOCKED</c>: claims never wait on each other nor on a decision (they skip its
/// run for that moment), and a decision waits for claims in flight, so no lock order can deadlock.
/// Enqueueing NOTIFYs the queue's channel, which wakes idle workers (<see cref="IQueueWakeup"/>).
/// </summary>
public sealed partial class PostgresMetadataStore : ITaskQueue, IQueueWakeup
{
    /// <summary>Workers reach the store over the network and need not share a folder: datasets travel through <c>artifacts:</c>.</summary>
    public bool SharesStateFolder => false;

    /// <summary>How soon a worker whose claim skipped items of a run being decided looks again; a decision takes milliseconds.</summary>
    private static readonly TimeSpan SkippedRetry = TimeSpan.FromMilliseconds(5);

    public long Mark() => _listener.Mark();

    public Task WaitForWorkAsync(long mark, CancellationToken cancellationToken) => _listener.WaitForWorkAsync(mark, cancellationToken);

    public Task AdvanceAsync(long runId, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async (c, t) =>
            {
                await ScalarInAsync(c, t, $"SELECT 1 FROM {_schema}.runs WHERE id = @id FOR UPDATE", [Id("id", runId)], cancellationToken);
                if (await DecideAsync(c, t, runId, [], decide, cancellationToken) is var (run, changes))
                {
                    await ApplyAsync(c, t, run, changes, cancellationToken);
                }

                return 0;
            },
            cancellationToken);

    public Task<TaskLease?> ClaimAsync(string worker, TimeSpan leaseFor, Func<RunSnapshot, QueueItem, RunChanges> start, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async (c, t) =>
            {
                var now = _time.GetUtcNow();
                // Items of runs that stopped (finished, cancelled, abandoned) are never claimed; ExpiredLeasesAsync removes them.
                var next = (await QueryInAsync(
                    c,
                    t,
                    $"""
                    SELECT q.* FROM {_schema}.task_queue q JOIN {_schema}.runs r ON r.id = q.run_id
                    WHERE q.lease_token IS NULL AND q.available_at <= @now AND r.state = 'running'
                    ORDER BY q.available_at, q.seq LIMIT 1
                    FOR UPDATE OF q SKIP LOCKED FOR KEY SHARE OF r SKIP LOCKED
                    """,
                    [Time("now", now)],
                    ReadItem,
                    cancellationToken)).FirstOrDefault();
                if (next is null)
                {
                    // Items may have been skipped only because a decision held their run: nothing NOTIFYs when it
                    // commits, so a worker would sleep a whole poll (1 s) with work waiting. Wake it again shortly.
                    if ((bool)(await ScalarInAsync(c, t, $"SELECT EXISTS (SELECT 1 FROM {_schema}.task_queue q JOIN {_schema}.runs r ON r.id = q.run_id WHERE q.lease_token IS NULL AND q.available_at <= @now AND r.state = 'running')", [Time("now", now)], cancellationToken))!)
                    {
                        _listener.WakeSoon(SkippedRetry);
                    }

                    return null;
                }

                // A key share does not stop a plain state update (a run marked abandoned): such an item is not claimed, and the reaper drops it.
                if (await DecideAsync(c, t, next.RunId, [next.TaskId], s => start(s, next), cancellationToken) is not var (run, changes))
                {
                    return null;
                }

                var lease = new TaskLease { Item = next, Worker = worker, Token = Guid.NewGuid().ToString("N"), Until = now + leaseFor };
                var take = Batched(
                    $"UPDATE {_schema}.task_queue SET worker = @worker, lease_token = @token, lease_until = @until WHERE run_id = @run_id AND task_id = @task_id",
                    [Text("worker", worker), Text("token", lease.Token), Time("until", lease.Until), Id("run_id", next.RunId), Text("task_id", next.TaskId)]);
                await ApplyAsync(c, t, run, changes, cancellationToken, first: take);
                return lease;
            },
            cancellationToken);

    public Task<bool> RenewAsync(TaskLease lease, TimeSpan leaseFor, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async (c, t) => await ExecuteInAsync(
                c,
                t,
                $"""
                UPDATE {_schema}.task_queue SET lease_until = @until
                WHERE run_id = @run_id AND task_id = @task_id AND lease_token = @token
                  AND EXISTS (SELECT 1 FROM {_schema}.runs WHERE id = @run_id AND state = 'running')
                """,
                [Time("until", _time.GetUtcNow() + leaseFor), Id("run_id", lease.Item.RunId), Text("task_id", lease.Item.TaskId), Text("token", lease.Token)],
                cancellationToken) == 1,
            cancellationToken);

    public Task<bool> FinishAsync(TaskLease lease, Func<RunSnapshot, RunChanges> decide, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async (c, t) =>
            {
                // The run's row first, as every decision takes it: then the item and the run's states cannot change under us.
                // Both statements in one batch (one round trip), in this order.
                await using var remove = new NpgsqlBatch(c, t)
                {
                    BatchCommands =
                    {
                        Batched($"SELECT 1 FROM {_schema}.runs WHERE id = @id FOR UPDATE", [Id("id", lease.Item.RunId)]),
                        Batched(
                            $"DELETE FROM {_schema}.task_queue WHERE run_id = @run_id AND task_id = @task_id AND lease_token = @token",
                            [Id("run_id", lease.Item.RunId), Text("task_id", lease.Item.TaskId), Text("token", lease.Token)]),
                    },
                };
                await remove.ExecuteNonQueryAsync(cancellationToken);
                if (remove.BatchCommands[1].RecordsAffected != 1 || await DecideAsync(c, t, lease.Item.RunId, [lease.Item.TaskId], decide, cancellationToken) is not var (run, changes))
                {
                    return false;
                }

                await ApplyAsync(c, t, run, changes, cancellationToken);
                return true;
            },
            cancellationToken);

    public async Task<IReadOnlyList<TaskLease>> ExpiredLeasesAsync(CancellationToken cancellationToken)
    {
        // Runs whose coordinator died are abandoned here too, and items of runs that stopped are dropped.
        await InTransactionAsync(
            async (c, t) =>
            {
                await ReapAbandonedAsync(c, t, null, cancellationToken);
                return await ExecuteInAsync(
                    c,
                    t,
                    $"DELETE FROM {_schema}.task_queue WHERE run_id IN (SELECT id FROM {_schema}.runs WHERE state <> 'running')",
                    [],
                    cancellationToken);
            },
            cancellationToken);
        return await QueryAsync(
            $"SELECT * FROM {_schema}.task_queue WHERE lease_token IS NOT NULL AND lease_until < @now ORDER BY lease_until",
            [Time("now", _time.GetUtcNow())],
            r => new TaskLease { Item = ReadItem(r), Worker = r.GetString(r.GetOrdinal("worker")), Token = r.GetString(r.GetOrdinal("lease_token")), Until = ReadTime(r, "lease_until")!.Value },
            cancellationToken);
    }

    /// <summary>
    /// Writes a decision's changes in one batch (one round trip), in order: <paramref name="first"/> (a claim's
    /// lease), task states, queue items and their NOTIFY, events, the run's end.
    /// </summary>
    private async Task ApplyAsync(NpgsqlConnection c, NpgsqlTransaction t, RunRecord run, RunChanges changes, CancellationToken cancellationToken, NpgsqlBatchCommand? first = null)
    {
        await using var batch = new NpgsqlBatch(c, t);
        if (first is not null)
        {
            batch.BatchCommands.Add(first);
        }

        foreach (var task in changes.Save)
        {
            batch.BatchCommands.Add(SaveTaskCommand(task));
        }

        foreach (var item in changes.Enqueue)
        {
            batch.BatchCommands.Add(Batched(
                $"""
                INSERT INTO {_schema}.task_queue (run_id, task_id, pipeline, pipeline_file, logical_date, available_at)
                VALUES (@run_id, @task_id, @pipeline, @pipeline_file, @logical_date, @available_at) ON CONFLICT DO NOTHING
                """,
                [Id("run_id", item.RunId), Text("task_id", item.TaskId), Text("pipeline", item.Pipeline), Text("pipeline_file", item.PipelineFile),
                 Date("logical_date", item.LogicalDate), Time("available_at", item.AvailableAt)]));
        }

        if (changes.Enqueue.Count > 0)
        {
            // Delivered at commit, so a woken worker finds the items.
            batch.BatchCommands.Add(Batched("SELECT pg_notify(@channel, '')", [Text("channel", _queueChannel)]));
        }

        foreach (var command in changes.Events.SelectMany(AppendCommands))
        {
            batch.BatchCommands.Add(command);
        }

        if (changes.Finish is var (state, error))
        {
            batch.BatchCommands.Add(Batched(
                $"UPDATE {_schema}.runs SET state = @state, ended_at = @ended_at, error = @error WHERE id = @id",
                [Text("state", StateNames.Of(state)), Time("ended_at", _time.GetUtcNow()), Text("error", error), Id("id", run.Id)]));
            batch.BatchCommands.Add(Batched($"DELETE FROM {_schema}.task_queue WHERE run_id = @id", [Id("id", run.Id)]));
        }

        if (batch.BatchCommands.Count > 0)
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }
    }

    private static QueueItem ReadItem(NpgsqlDataReader r) => new()
    {
        RunId = r.GetInt64(r.GetOrdinal("run_id")),
        TaskId = r.GetString(r.GetOrdinal("task_id")),
        Pipeline = r.GetString(r.GetOrdinal("pipeline")),
        PipelineFile = r.GetString(r.GetOrdinal("pipeline_file")),
        LogicalDate = r.GetFieldValue<DateOnly>(r.GetOrdinal("logical_date")),
        AvailableAt = ReadTime(r, "available_at")!.Value,
    };
}
