using Npgsql;
using NpgsqlTypes;
using Sluice.State;

namespace Sluice.Metadata.Postgres;

/// <summary>
/// Run history, task states and the event log in a PostgreSQL schema, shared by schedulers, workers
/// and CLI commands on one or more machines. Every operation is one transaction on a pooled
/// connection; intervals are claimed under a transaction-scoped advisory lock per pipeline and
/// logical date, so racing schedulers never both get one.
/// </summary>
public sealed partial class PostgresMetadataStore : IMetadataStore
{
    private readonly NpgsqlDataSource _source;
    private readonly TimeProvider _time;
    private readonly string _schema;
    private readonly string _channel;
    private readonly string _queueChannel;
    private readonly PostgresQueueListener _listener;

    private PostgresMetadataStore(NpgsqlDataSource source, PostgresMetadataSettings settings, TimeProvider time)
    {
        _source = source;
        _time = time;
        Settings = settings;
        _schema = PostgresSchema.Quote(settings.Schema);
        _channel = "sluice_events:" + settings.Schema;
        _queueChannel = "sluice_queue:" + settings.Schema;
        // Its own unpooled connection with keepalives, so a silently dropped connection is noticed and replaced.
        var listening = new NpgsqlConnectionStringBuilder(settings.Builder.ConnectionString) { Pooling = false, KeepAlive = 30 };
        _listener = new PostgresQueueListener(listening.ConnectionString, _queueChannel);
    }

    public PostgresMetadataSettings Settings { get; }

    /// <summary>
    /// Connects, creates the schema if needed and applies the migrations this version knows. An
    /// unreachable server gives a <see cref="MetadataStoreUnavailableException"/> naming host:port.
    /// </summary>
    public static async Task<PostgresMetadataStore> OpenAsync(PostgresMetadataSettings settings, TimeProvider? time = null, CancellationToken cancellationToken = default)
    {
        var source = NpgsqlDataSource.Create(settings.Builder.ConnectionString);
        var store = new PostgresMetadataStore(source, settings, time ?? TimeProvider.System);
        try
        {
            await store.MigrateAsync(cancellationToken);
            return store;
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested && e is NpgsqlException or TimeoutException)
        {
            await store.DisposeAsync();
            throw PostgresMetadataErrors.OpenFailure(e, settings);
        }
        catch
        {
            await store.DisposeAsync();
            throw;
        }
    }

    public Task<RunRecord> StartRunAsync(RunRecord run, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async (connection, transaction) =>
            {
                await LockIntervalAsync(connection, transaction, run.Pipeline, run.LogicalDate, cancellationToken);
                await ReapAbandonedAsync(connection, transaction, run.Pipeline, cancellationToken);
                var live = await QueryInAsync(
                    connection,
                    transaction,
                    $"SELECT * FROM {_schema}.runs WHERE pipeline = @pipeline AND logical_date = @logical_date AND state = 'running' ORDER BY id LIMIT 1",
                    [Text("pipeline", run.Pipeline), Date("logical_date", run.LogicalDate)],
                    ReadRun,
                    cancellationToken);
                if (live.Count > 0)
                {
                    throw new RunConflictException(live[0]);
                }

                return await InsertRunAsync(connection, transaction, run, cancellationToken);
            },
            cancellationToken);

    public Task<RunRecord?> ClaimIntervalAsync(RunRecord run, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async (connection, transaction) =>
            {
                await LockIntervalAsync(connection, transaction, run.Pipeline, run.LogicalDate, cancellationToken);
                await ReapAbandonedAsync(connection, transaction, run.Pipeline, cancellationToken);
                var existing = (long)(await ScalarInAsync(
                    connection,
                    transaction,
                    $"SELECT count(*) FROM {_schema}.runs WHERE pipeline = @pipeline AND logical_date = @logical_date",
                    [Text("pipeline", run.Pipeline), Date("logical_date", run.LogicalDate)],
                    cancellationToken))!;
                return existing > 0 ? null : await InsertRunAsync(connection, transaction, run, cancellationToken);
            },
            cancellationToken);

    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(string pipeline, DateOnly from, DateOnly to, CancellationToken cancellationToken)
    {
        await InTransactionAsync((c, t) => ReapAbandonedAsync(c, t, pipeline, cancellationToken), cancellationToken);
        return await QueryAsync(
            $"SELECT * FROM {_schema}.runs WHERE pipeline = @pipeline AND logical_date BETWEEN @from AND @to ORDER BY id DESC",
            [Text("pipeline", pipeline), Date("from", from), Date("to", to)],
            ReadRun,
            cancellationToken);
    }

    public Task SetPausedAsync(string pipeline, bool paused, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"INSERT INTO {_schema}.pipelines (name, paused, changed_at) VALUES (@name, @paused, @at) ON CONFLICT (name) DO UPDATE SET paused = excluded.paused, changed_at = excluded.changed_at",
            [Text("name", pipeline), new("paused", NpgsqlDbType.Boolean) { Value = paused }, Time("at", _time.GetUtcNow())],
            cancellationToken);

    public async Task<IReadOnlySet<string>> PausedPipelinesAsync(CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT name FROM {_schema}.pipelines WHERE paused", [], r => r.GetString(0), cancellationToken)).ToHashSet(StringComparer.Ordinal);

    public Task FinishRunAsync(long runId, RunState state, string? error, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"UPDATE {_schema}.runs SET state = @state, ended_at = @ended_at, error = @error WHERE id = @id",
            [Text("state", StateNames.Of(state)), Time("ended_at", _time.GetUtcNow()), Text("error", error), Id("id", runId)],
            cancellationToken);

    public Task HeartbeatAsync(long runId, DateTimeOffset at, CancellationToken cancellationToken) =>
        ExecuteAsync($"UPDATE {_schema}.runs SET heartbeat_at = @at WHERE id = @id AND state = 'running'", [Time("at", at), Id("id", runId)], cancellationToken);

    public Task SaveTaskAsync(TaskInstanceRecord task, CancellationToken cancellationToken) =>
        InTransactionAsync((c, t) => SaveTaskInAsync(c, t, task, cancellationToken), cancellationToken);

    private async Task<int> SaveTaskInAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, TaskInstanceRecord task, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction) { BatchCommands = { SaveTaskCommand(task) } };
        return await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private NpgsqlBatchCommand SaveTaskCommand(TaskInstanceRecord task) =>
        Batched(
            $"""
            INSERT INTO {_schema}.task_instances (run_id, task_id, state, try_number, started_at, ended_at, rows_read, rows_written, rows_quarantined, reused, error, next_attempt_at)
            VALUES (@run_id, @task_id, @state, @try_number, @started_at, @ended_at, @rows_read, @rows_written, @rows_quarantined, @reused, @error, @next_attempt_at)
            ON CONFLICT (run_id, task_id) DO UPDATE SET state = excluded.state, try_number = excluded.try_number,
                started_at = excluded.started_at, ended_at = excluded.ended_at, rows_read = excluded.rows_read,
                rows_written = excluded.rows_written, rows_quarantined = excluded.rows_quarantined, reused = excluded.reused,
                error = excluded.error, next_attempt_at = excluded.next_attempt_at
            """,
            [Id("run_id", task.RunId), Text("task_id", task.TaskId), Text("state", StateNames.Of(task.State)), new("try_number", NpgsqlDbType.Integer) { Value = task.TryNumber },
             Time("started_at", task.StartedAt), Time("ended_at", task.EndedAt),
             Id("rows_read", task.RowsRead), Id("rows_written", task.RowsWritten), Id("rows_quarantined", task.RowsQuarantined),
             new("reused", NpgsqlDbType.Boolean) { Value = task.Reused }, Text("error", task.Error), Time("next_attempt_at", task.NextAttemptAt)]);

    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(string? pipeline, int limit, CancellationToken cancellationToken)
    {
        await InTransactionAsync((c, t) => ReapAbandonedAsync(c, t, pipeline, cancellationToken), cancellationToken);
        return await QueryAsync(
            $"SELECT * FROM {_schema}.runs WHERE (@pipeline IS NULL OR pipeline = @pipeline) ORDER BY id DESC LIMIT @limit",
            [Text("pipeline", pipeline), new("limit", NpgsqlDbType.Integer) { Value = limit }],
            ReadRun,
            cancellationToken);
    }

    public async Task<RunRecord?> GetRunAsync(long runId, CancellationToken cancellationToken) =>
        (await QueryAsync($"SELECT * FROM {_schema}.runs WHERE id = @id", [Id("id", runId)], ReadRun, cancellationToken)).FirstOrDefault();

    public async Task<IReadOnlyList<TaskInstanceRecord>> ListTasksAsync(long runId, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT * FROM {_schema}.task_instances WHERE run_id = @run_id ORDER BY position", [Id("run_id", runId)], ReadTask, cancellationToken);

    public async Task<RunRecord?> LatestRunAsync(string pipeline, DateOnly logicalDate, CancellationToken cancellationToken) =>
        (await QueryAsync(
            $"SELECT * FROM {_schema}.runs WHERE pipeline = @pipeline AND logical_date = @logical_date ORDER BY id DESC LIMIT 1",
            [Text("pipeline", pipeline), Date("logical_date", logicalDate)],
            ReadRun,
            cancellationToken)).FirstOrDefault();

    /// <summary>
    /// Serialises every start and claim of one pipeline's logical date across processes until the
    /// transaction ends (two 32-bit keys: the schema and pipeline hashed, the date's day number).
    /// </summary>
    private Task LockIntervalAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string pipeline, DateOnly logicalDate, CancellationToken cancellationToken) =>
        ScalarInAsync(
            connection,
            transaction,
            "SELECT pg_advisory_xact_lock(hashtext(@space), @day)",
            [Text("space", $"sluice.interval:{Settings.Schema}:{pipeline}"), new("day", NpgsqlDbType.Integer) { Value = logicalDate.DayNumber }],
            cancellationToken);

    /// <summary>
    /// Marks running runs whose process died as abandoned (RunLiveness: the pid on this host, the
    /// heartbeat's age from another), their unfinished tasks as failed, and appends one event each.
    /// Rows are changed in id order and the events appended last, so concurrent reapers cannot deadlock,
    /// and a run another reaper already marked is skipped, so its event is written once.
    /// </summary>
    private async Task<int> ReapAbandonedAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string? pipeline, CancellationToken cancellationToken)
    {
        var now = _time.GetUtcNow();
        var running = await QueryInAsync(
            connection,
            transaction,
            $"SELECT * FROM {_schema}.runs WHERE state = 'running' AND (@pipeline IS NULL OR pipeline = @pipeline) ORDER BY id",
            [Text("pipeline", pipeline)],
            ReadRun,
            cancellationToken);
        var reaped = new List<(RunRecord Run, string Reason)>();
        foreach (var run in running.Where(r => RunLiveness.IsAbandoned(r, now)))
        {
            var reason = RunLiveness.Reason(run);
            var changed = await ExecuteInAsync(
                connection,
                transaction,
                $"UPDATE {_schema}.runs SET state = 'abandoned', ended_at = @now, error = @reason WHERE id = @id AND state = 'running'",
                [Time("now", now), Text("reason", reason), Id("id", run.Id)],
                cancellationToken);
            if (changed == 0)
            {
                continue;
            }

            await ExecuteInAsync(
                connection,
                transaction,
                $"UPDATE {_schema}.task_instances SET state = 'failed', ended_at = @now, error = @reason WHERE run_id = @id AND state IN ('running', 'up_for_retry')",
                [Time("now", now), Text("reason", "abandoned with its run"), Id("id", run.Id)],
                cancellationToken);
            reaped.Add((run, reason));
        }

        foreach (var (run, reason) in reaped)
        {
            await AppendInAsync(connection, transaction, RunLiveness.AbandonedEvent(run, reason, now), cancellationToken);
        }

        return reaped.Count;
    }

    private async Task<RunRecord> InsertRunAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RunRecord run, CancellationToken cancellationToken)
    {
        var id = await ScalarInAsync(
            connection,
            transaction,
            $"""
            INSERT INTO {_schema}.runs (pipeline, logical_date, interval_start, interval_end, state, trigger, started_at, host, process_id, heartbeat_at)
            VALUES (@pipeline, @logical_date, @interval_start, @interval_end, @state, @trigger, @started_at, @host, @process_id, @heartbeat_at) RETURNING id
            """,
            [Text("pipeline", run.Pipeline), Date("logical_date", run.LogicalDate), Time("interval_start", run.IntervalStart), Time("interval_end", run.IntervalEnd),
             Text("state", StateNames.Of(run.State)), Text("trigger", run.Trigger), Time("started_at", run.StartedAt), Text("host", run.Host),
             new("process_id", NpgsqlDbType.Integer) { Value = (object?)run.ProcessId ?? DBNull.Value }, Time("heartbeat_at", run.HeartbeatAt)],
            cancellationToken);
        return run with { Id = (long)id! };
    }

    public async ValueTask DisposeAsync()
    {
        await _listener.DisposeAsync();
        await _source.DisposeAsync();
    }
}
