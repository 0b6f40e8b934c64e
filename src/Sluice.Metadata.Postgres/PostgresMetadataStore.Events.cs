using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;
using Npgsql;
using NpgsqlTypes;
using Sluice.Events;
using Sluice.State;

namespace Sluice.Metadata.Postgres;

/// <summary>
/// The event log: an append-only table whose ids are assigned and committed in order (appends take
/// one advisory lock, so a reader at id N never later finds a smaller id appear), and a NOTIFY on
/// every append so followers wake at once instead of polling.
/// </summary>
public sealed partial class PostgresMetadataStore : IEventLog
{
    public Task<RunEvent> AppendAsync(RunEvent runEvent, CancellationToken cancellationToken) =>
        InTransactionAsync((c, t) => AppendInAsync(c, t, runEvent, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<RunEvent>> ReadAsync(EventQuery query, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"""
            SELECT * FROM {_schema}.events WHERE id > @after
              AND (@run_id IS NULL OR run_id = @run_id)
              AND (@pipeline IS NULL OR pipeline = @pipeline)
              AND (@types IS NULL OR type = ANY (@types))
            ORDER BY id LIMIT @limit
            """,
            [Id("after", query.AfterId), new("run_id", NpgsqlDbType.Bigint) { Value = (object?)query.RunId ?? DBNull.Value }, Text("pipeline", query.Pipeline),
             new("types", NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = query.Types is { Count: > 0 } types ? types.ToArray() : DBNull.Value },
             new("limit", NpgsqlDbType.Integer) { Value = query.Limit }],
            ReadEvent,
            cancellationToken);

    /// <summary>
    /// LISTENs on the schema's channel, then looks once (an event may have landed before the LISTEN),
    /// then sleeps on the connection until a notification of a newer event or the timeout.
    /// </summary>
    private static readonly TimeSpan GuardSlack = TimeSpan.FromSeconds(5);

    public async Task<bool> WaitForEventsAsync(long afterId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        var newest = 0L;
        connection.Notification += (_, e) =>
        {
            if (long.TryParse(e.Payload, NumberStyles.Integer, CultureInfo.InvariantCulture, out var id))
            {
                Interlocked.Exchange(ref newest, Math.Max(Interlocked.Read(ref newest), id));
            }
        };
        await using (var listen = new NpgsqlCommand($"LISTEN {PostgresSchema.Quote(_channel)}", connection))
        {
            await listen.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using (var look = new NpgsqlCommand($"SELECT EXISTS (SELECT 1 FROM {_schema}.events WHERE id > @after)", connection))
            {
                look.Parameters.Add(Id("after", afterId));
                if ((bool)(await look.ExecuteScalarAsync(cancellationToken))!)
                {
                    return true;
                }
            }

            // The wait is on the socket, so it is measured by the wall clock rather than the host's TimeProvider.
            // Npgsql waits in whole milliseconds and takes 0 as "forever": a remainder under 1 ms once hung a
            // follower (and a CI run) for good, so it is rounded up, and a guard cancels a wait that overstays.
            var clock = Stopwatch.StartNew();
            using var guard = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            guard.CancelAfter(timeout + GuardSlack);
            try
            {
                while (timeout - clock.Elapsed is var remaining && remaining >= TimeSpan.FromMilliseconds(1))
                {
                    var wait = TimeSpan.FromMilliseconds(Math.Ceiling(remaining.TotalMilliseconds));
                    if (await connection.WaitAsync(wait, guard.Token) && Interlocked.Read(ref newest) > afterId)
                    {
                        return true;
                    }
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
            }

            return false;
        }
        finally
        {
            // A pooled connection must not keep listening for its next user; one broken by a cancelled wait is not pooled again.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var unlisten = new NpgsqlCommand("UNLISTEN *", connection);
                await unlisten.ExecuteNonQueryAsync(CancellationToken.None);
            }
        }
    }

    private async Task<RunEvent> AppendInAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, RunEvent runEvent, CancellationToken cancellationToken)
    {
        await using var batch = new NpgsqlBatch(connection, transaction);
        foreach (var command in AppendCommands(runEvent))
        {
            batch.BatchCommands.Add(command);
        }

        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        await reader.NextResultAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return runEvent with { Id = reader.GetInt64(0) };
    }

    /// <summary>
    /// Takes the log's lock (ids in commit order), then inserts and NOTIFYs in one statement; the second
    /// returns the id. The notification is delivered when the transaction commits, so a woken reader finds the event.
    /// </summary>
    private NpgsqlBatchCommand[] AppendCommands(RunEvent runEvent) =>
    [
        Batched("SELECT pg_advisory_xact_lock(hashtext(@space))", [Text("space", "sluice.events:" + Settings.Schema)]),
        Batched(
            $"""
            WITH added AS (
                INSERT INTO {_schema}.events (at, type, pipeline, run_id, logical_date, task_id, payload)
                VALUES (@at, @type, @pipeline, @run_id, @logical_date, @task_id, @payload) RETURNING id)
            SELECT id, pg_notify(@channel, id::text) FROM added
            """,
            [Time("at", runEvent.Timestamp), Text("type", runEvent.Type), Text("pipeline", runEvent.Pipeline),
             new("run_id", NpgsqlDbType.Bigint) { Value = (object?)runEvent.RunId ?? DBNull.Value },
             new("logical_date", NpgsqlDbType.Date) { Value = (object?)runEvent.LogicalDate ?? DBNull.Value }, Text("task_id", runEvent.TaskId),
             new("payload", NpgsqlDbType.Json) { Value = runEvent.Payload.ToJsonString() }, Text("channel", _channel)]),
    ];

    private static RunEvent ReadEvent(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        Timestamp = ReadTime(r, "at")!.Value,
        Type = r.GetString(r.GetOrdinal("type")),
        Pipeline = ReadText(r, "pipeline"),
        RunId = r.IsDBNull(r.GetOrdinal("run_id")) ? null : r.GetInt64(r.GetOrdinal("run_id")),
        LogicalDate = r.IsDBNull(r.GetOrdinal("logical_date")) ? null : r.GetFieldValue<DateOnly>(r.GetOrdinal("logical_date")),
        TaskId = ReadText(r, "task_id"),
        Payload = JsonNode.Parse(r.GetString(r.GetOrdinal("payload"))) as JsonObject ?? [],
    };
}
