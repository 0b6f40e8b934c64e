using System.Collections.Concurrent;
using System.Globalization;
using Microsoft.Data.Sqlite;
using Sluice.State;

namespace Sluice.Metadata.Sqlite;

/// <summary>
/// Run history, task states and the event log in one SQLite file in the project folder: the no-server
/// default. Writes are serialised because tasks of one run report their states concurrently; several
/// processes share the file through SQLite's own locking.
/// </summary>
public sealed partial class SqliteMetadataStore : IMetadataStore
{
    // SQLite's busy handler is not fair: a writer that sleeps between tries can lose the lock to busier
    // connections for longer than any timeout. Stores of one process queue here, first come first served;
    // the busy handler is left to order processes, which poll far less often.
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> WritersByFile = new(StringComparer.Ordinal);

    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly SemaphoreSlim _writers;
    private readonly TimeProvider _time;

    private SqliteMetadataStore(SqliteConnection connection, string path, TimeProvider time)
    {
        _connection = connection;
        _writers = WritersByFile.GetOrAdd(System.IO.Path.GetFullPath(path), _ => new SemaphoreSlim(1, 1));
        _time = time;
    }

    public string Path { get; private init; } = string.Empty;

    public static async Task<SqliteMetadataStore> OpenAsync(string path, CancellationToken cancellationToken = default, TimeProvider? time = null)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var store = new SqliteMetadataStore(connection, path, time ?? TimeProvider.System) { Path = path };
        await using (var pragmas = connection.CreateCommand())
        {
            pragmas.CommandText = SqliteSchema.Connection;
            await pragmas.ExecuteNonQueryAsync(cancellationToken);
        }

        await store.MigrateAsync(cancellationToken);
        return store;
    }

    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await InTransactionAsync(
            async transaction =>
            {
                var version = Convert.ToInt32(await ScalarInAsync(transaction, "PRAGMA user_version", [], cancellationToken), CultureInfo.InvariantCulture);
                for (var next = version; next < SqliteSchema.Migrations.Count; next++)
                {
                    await ScalarInAsync(transaction, SqliteSchema.Migrations[next], [], cancellationToken);
                    await ScalarInAsync(transaction, $"PRAGMA user_version = {next + 1}", [], cancellationToken);
                }

                return 0;
            },
            cancellationToken);
    }

    public Task<RunRecord> StartRunAsync(RunRecord run, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async transaction =>
            {
                await ReapAbandonedAsync(transaction, run.Pipeline, cancellationToken);
                var live = await QueryInAsync(
                    transaction,
                    "SELECT * FROM runs WHERE pipeline = $pipeline AND logical_date = $logical_date AND state = 'running' ORDER BY id LIMIT 1",
                    [("pipeline", run.Pipeline), ("logical_date", Date(run.LogicalDate))],
                    ReadRun,
                    cancellationToken);
                if (live.Count > 0)
                {
                    throw new RunConflictException(live[0]);
                }

                return await InsertRunAsync(transaction, run, cancellationToken);
            },
            cancellationToken);

    public Task<RunRecord?> ClaimIntervalAsync(RunRecord run, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async transaction =>
            {
                await ReapAbandonedAsync(transaction, run.Pipeline, cancellationToken);
                var existing = await ScalarInAsync(
                    transaction,
                    "SELECT count(*) FROM runs WHERE pipeline = $pipeline AND logical_date = $logical_date",
                    [("pipeline", run.Pipeline), ("logical_date", Date(run.LogicalDate))],
                    cancellationToken);
                return Convert.ToInt64(existing, CultureInfo.InvariantCulture) > 0 ? null : await InsertRunAsync(transaction, run, cancellationToken);
            },
            cancellationToken);

    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(string pipeline, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await InTransactionAsync(t => ReapAbandonedAsync(t, pipeline, cancellationToken), cancellationToken);
        return await QueryAsync(
            "SELECT * FROM runs WHERE pipeline = $pipeline AND logical_date BETWEEN $from AND $to ORDER BY id DESC",
            [("pipeline", pipeline), ("from", Date(from)), ("to", Date(to))],
            ReadRun,
            cancellationToken);
    }

    public Task SetPausedAsync(string pipeline, bool paused, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "INSERT INTO pipelines (name, paused, changed_at) VALUES ($name, $paused, $at) ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, changed_at = excluded.changed_at",
            [("name", pipeline), ("paused", paused ? 1 : 0), ("at", Time(_time.GetUtcNow()))],
            cancellationToken);

    public async Task<IReadOnlySet<string>> PausedPipelinesAsync(CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT name FROM pipelines WHERE paused = 1", [], r => r.GetString(0), cancellationToken)).ToHashSet(StringComparer.Ordinal);

    public Task FinishRunAsync(long runId, RunState state, string? error, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE runs SET state = $state, ended_at = $ended_at, error = $error WHERE id = $id",
            [("state", StateNames.Of(state)), ("ended_at", Time(_time.GetUtcNow())), ("error", error), ("id", runId)],
            cancellationToken);

    public Task HeartbeatAsync(long runId, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync("UPDATE runs SET heartbeat_at = $at WHERE id = $id AND state = 'running'", [("at", Time(at)), ("id", runId)], cancellationToken);

    public Task SaveTaskAsync(TaskInstanceRecord task, CancellationToken cancellationToken) =>
        InTransactionAsync(t => SaveTaskInAsync(t, task, cancellationToken), cancellationToken);

    private Task<object?> SaveTaskInAsync(SqliteTransaction transaction, TaskInstanceRecord task, CancellationToken cancellationToken) =>
        ScalarInAsync(
            transaction,
            """
            INSERT INTO task_instances (run_id, task_id, state, try_number, started_at, ended_at, rows_read, rows_written, rows_quarantined, reused, error, next_attempt_at)
            VALUES ($run_id, $task_id, $state, $try_number, $started_at, $ended_at, $rows_read, $rows_written, $rows_quarantined, $reused, $error, $next_attempt_at)
            ON CONFLICT (run_id, task_id) DO UPDATE SET state = excluded.state, try_number = excluded.try_number,
                started_at = excluded.started_at, ended_at = excluded.ended_at, rows_read = excluded.rows_read,
                rows_written = excluded.rows_written, rows_quarantined = excluded.rows_quarantined, reused = excluded.reused,
                error = excluded.error, next_attempt_at = excluded.next_attempt_at
            """,
            [("run_id", task.RunId), ("task_id", task.TaskId), ("state", StateNames.Of(task.State)), ("try_number", task.TryNumber),
             ("started_at", task.StartedAt is { } s ? Time(s) : null), ("ended_at", task.EndedAt is { } e ? Time(e) : null),
             ("rows_read", task.RowsRead), ("rows_written", task.RowsWritten), ("rows_quarantined", task.RowsQuarantined),
             ("reused", task.Reused ? 1 : 0), ("error", task.Error), ("next_attempt_at", task.NextAttemptAt is { } n ? Time(n) : null)],
            cancellationToken);

    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(string? pipeline, int limit, CancellationToken cancellationToken)
    {
        await InTransactionAsync(t => ReapAbandonedAsync(t, pipeline, cancellationToken), cancellationToken);
        return await QueryAsync(
            "SELECT * FROM runs WHERE ($pipeline IS NULL OR pipeline = $pipeline) ORDER BY id DESC LIMIT $limit",
            [("pipeline", pipeline), ("limit", limit)],
            ReadRun,
            cancellationToken);
    }

    public async Task<RunRecord?> GetRunAsync(long runId, CancellationToken cancellationToken) =>
        (await QueryAsync("SELECT * FROM runs WHERE id = $id", [("id", runId)], ReadRun, cancellationToken)).FirstOrDefault();

    public async Task<IReadOnlyList<TaskInstanceRecord>> ListTasksAsync(long runId, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT * FROM task_instances WHERE run_id = $run_id ORDER BY rowid", [("run_id", runId)], ReadTask, cancellationToken);

    public async Task<RunRecord?> LatestRunAsync(string pipeline, DateOnly logicalDate, CancellationToken cancellationToken) =>
        (await QueryAsync(
            "SELECT * FROM runs WHERE pipeline = $pipeline AND logical_date = $logical_date ORDER BY id DESC LIMIT 1",
            [("pipeline", pipeline), ("logical_date", Date(logicalDate))],
            ReadRun,
            cancellationToken)).FirstOrDefault();

    /// <summary>Marks running runs whose process died as abandoned, and their unfinished tasks as failed with the reason.</summary>
    private async Task<int> ReapAbandonedAsync(SqliteTransaction transaction, string? pipeline, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var running = await QueryInAsync(transaction, "SELECT * FROM runs WHERE state = 'running' AND ($pipeline IS NULL OR pipeline = $pipeline)", [("pipeline", pipeline)], ReadRun, cancellationToken);
        foreach (var run in running.Where(r => RunLiveness.IsAbandoned(r, now)))
        {
            var reason = RunLiveness.Reason(run);
            await ScalarInAsync(transaction, "UPDATE runs SET state = 'abandoned', ended_at = $now, error = $reason WHERE id = $id", [("now", Time(now)), ("reason", reason), ("id", run.Id)], cancellationToken);
            await ScalarInAsync(
                transaction,
                "UPDATE task_instances SET state = 'failed', ended_at = $now, error = $reason WHERE run_id = $id AND state IN ('running', 'up_for_retry', 'up_for_reschedule')",
                [("now", Time(now)), ("reason", "abandoned with its run"), ("id", run.Id)],
                cancellationToken);
            await ScalarInAsync(transaction, "DELETE FROM task_queue WHERE run_id = $id", [("id", run.Id)], cancellationToken);
            await AppendInAsync(transaction, RunLiveness.AbandonedEvent(run, reason, now), cancellationToken);
        }

        return 0;
    }

    private async Task<RunRecord> InsertRunAsync(SqliteTransaction transaction, RunRecord run, CancellationToken cancellationToken)
    {
        var id = await ScalarInAsync(
                transaction,
                """
                INSERT INTO runs (pipeline, logical_date, interval_start, interval_end, state, trigger, started_at, host, process_id, heartbeat_at)
                VALUES ($pipeline, $logical_date, $interval_start, $interval_end, $state, $trigger, $started_at, $host, $process_id, $heartbeat_at) RETURNING id
                """,
                [("pipeline", run.Pipeline), ("logical_date", Date(run.LogicalDate)), ("interval_start", Time(run.IntervalStart)), ("interval_end", Time(run.IntervalEnd)),
                 ("state", StateNames.Of(run.State)), ("trigger", run.Trigger), ("started_at", Time(run.StartedAt)), ("host", run.Host),
                 ("process_id", run.ProcessId), ("heartbeat_at", run.HeartbeatAt is { } h ? Time(h) : null)],
                cancellationToken);
        return run with { Id = Convert.ToInt64(id, CultureInfo.InvariantCulture) };
    }

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _gate.Dispose();
    }
}
