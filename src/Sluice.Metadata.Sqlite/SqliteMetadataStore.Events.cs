using System.Globalization;
using System.Text.Json.Nodes;
using Microsoft.Data.Sqlite;
using Sluice.Events;
using Sluice.State;

namespace Sluice.Metadata.Sqlite;

/// <summary>The event log: an append-only table beside run history, read by position.</summary>
public sealed partial class SqliteMetadataStore : IEventLog
{
    public Task<RunEvent> AppendAsync(RunEvent runEvent, CancellationToken cancellationToken) =>
        InTransactionAsync(t => AppendInAsync(t, runEvent, cancellationToken), cancellationToken);

    public async Task<IReadOnlyList<RunEvent>> ReadAsync(EventQuery query, CancellationToken cancellationToken)
    {
        var types = query.Types is { Count: > 0 } list ? string.Join(",", list) : null;
        return await QueryAsync(
            """
            SELECT * FROM events WHERE id > $after
              AND ($run_id IS NULL OR run_id = $run_id)
              AND ($pipeline IS NULL OR pipeline = $pipeline)
              AND ($types IS NULL OR instr(',' || $types || ',', ',' || type || ',') > 0)
            ORDER BY id LIMIT $limit
            """,
            [("after", query.AfterId), ("run_id", query.RunId), ("pipeline", query.Pipeline), ("types", types), ("limit", query.Limit)],
            ReadEvent,
            cancellationToken);
    }

    /// <summary>SQLite cannot notify another process, so a waiter looks again every <see cref="IEventLog.PollInterval"/>.</summary>
    public async Task<bool> WaitForEventsAsync(long afterId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = _time.GetUtcNow() + timeout;
        while (true)
        {
            if ((await ReadAsync(new EventQuery { AfterId = afterId, Limit = 1 }, cancellationToken)).Count > 0)
            {
                return true;
            }

            var left = deadline - _time.GetUtcNow();
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            await Task.Delay(left < IEventLog.PollInterval ? left : IEventLog.PollInterval, _time, cancellationToken);
        }
    }

    private async Task<RunEvent> AppendInAsync(SqliteTransaction transaction, RunEvent runEvent, CancellationToken cancellationToken)
    {
        var id = await ScalarInAsync(
            transaction,
            """
            INSERT INTO events (at, type, pipeline, run_id, logical_date, task_id, payload)
            VALUES ($at, $type, $pipeline, $run_id, $logical_date, $task_id, $payload) RETURNING id
            """,
            [("at", Time(runEvent.Timestamp)), ("type", runEvent.Type), ("pipeline", runEvent.Pipeline), ("run_id", runEvent.RunId),
             ("logical_date", runEvent.LogicalDate is { } d ? Date(d) : null), ("task_id", runEvent.TaskId), ("payload", runEvent.Payload.ToJsonString())],
            cancellationToken);
        return runEvent with { Id = Convert.ToInt64(id, CultureInfo.InvariantCulture) };
    }

    private static RunEvent ReadEvent(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        Timestamp = ParseTime(r, "at")!.Value,
        Type = r.GetString(r.GetOrdinal("type")),
        Pipeline = Text(r, "pipeline"),
        RunId = r.IsDBNull(r.GetOrdinal("run_id")) ? null : r.GetInt64(r.GetOrdinal("run_id")),
        LogicalDate = Text(r, "logical_date") is { } d ? DateOnly.ParseExact(d, "yyyy-MM-dd", CultureInfo.InvariantCulture) : null,
        TaskId = Text(r, "task_id"),
        Payload = JsonNode.Parse(r.GetString(r.GetOrdinal("payload"))) as JsonObject ?? [],
    };
}
