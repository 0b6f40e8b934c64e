using System.Data.Common;
using Npgsql;
using NpgsqlTypes;
using Sluice.Incremental;

namespace Sluice.Metadata.Postgres;

/// <summary>Cursors held by runs until their loads commit; committing one is a compare-and-set on its watermark.</summary>
public sealed partial class PostgresMetadataStore : ITransactionalCursorStore
{
    public Task HoldCursorAsync(HeldCursor held, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"""
            INSERT INTO {_schema}.held_cursors (pipeline, task_id, run_id, column_name, expected_kind, expected, kind, next, held_at)
            VALUES (@pipeline, @task_id, @run_id, @column, @expected_kind, @expected, @kind, @next, @at)
            ON CONFLICT (pipeline, task_id, run_id) DO UPDATE SET column_name = excluded.column_name, expected_kind = excluded.expected_kind,
                expected = excluded.expected, kind = excluded.kind, next = excluded.next, held_at = excluded.held_at
            """,
            [Text("pipeline", held.Pipeline), Text("task_id", held.TaskId), RunId(held.RunId), Text("column", held.Column),
             Text("expected_kind", held.Expected?.KindName), Text("expected", held.Expected?.Text), Text("kind", held.Next.KindName), Text("next", held.Next.Text), Time("at", held.HeldAt)],
            cancellationToken);

    public async Task<IReadOnlyList<HeldCursor>> ListHeldCursorsAsync(string pipeline, CancellationToken cancellationToken) =>
        await QueryAsync($"SELECT * FROM {_schema}.held_cursors WHERE pipeline = @pipeline ORDER BY run_id, task_id", [Text("pipeline", pipeline)], ReadHeld, cancellationToken);

    public Task<CursorCommit> CommitHeldCursorAsync(HeldCursor held, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync((connection, transaction) => CommitHeldInAsync(connection, transaction, held, at, cancellationToken), cancellationToken);

    /// <summary>Same host, port and database: a sink's connection can commit a watermark in its load's transaction.</summary>
    public bool SharesDatabaseWith(DbConnection connection) =>
        connection is NpgsqlConnection pg
        && string.Equals(pg.Host, Settings.Host, StringComparison.OrdinalIgnoreCase)
        && pg.Port == Settings.Port
        && string.Equals(pg.Database, Settings.Database, StringComparison.Ordinal);

    public Task<CursorCommit> CommitHeldCursorAsync(DbConnection connection, DbTransaction transaction, HeldCursor held, DateTimeOffset at, CancellationToken cancellationToken) =>
        CommitHeldInAsync((NpgsqlConnection)connection, (NpgsqlTransaction)transaction, held, at, cancellationToken);

    private async Task<CursorCommit> CommitHeldInAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, HeldCursor held, DateTimeOffset at, CancellationToken cancellationToken)
    {
        // Two workers finishing the run's last loads at once: the row lock lets one delete it; the other finds it gone.
        var key = () => new[] { Text("pipeline", held.Pipeline), Text("task_id", held.TaskId), RunId(held.RunId) };
        if (await ExecuteInAsync(connection, transaction, $"DELETE FROM {_schema}.held_cursors WHERE pipeline = @pipeline AND task_id = @task_id AND run_id = @run_id", key(), cancellationToken) == 0)
        {
            return CursorCommit.AlreadyCommitted;
        }

        // What older runs held for the task (a run that died before its loads) is superseded by this one.
        await ExecuteInAsync(connection, transaction, $"DELETE FROM {_schema}.held_cursors WHERE pipeline = @pipeline AND task_id = @task_id AND run_id < @run_id", key(), cancellationToken);
        var next = new CursorState { Pipeline = held.Pipeline, TaskId = held.TaskId, Column = held.Column, Value = held.Next, UpdatedAt = at, RunId = held.RunId };
        return await AdvanceInAsync(connection, transaction, next, held.Expected, cancellationToken) ? CursorCommit.Committed : CursorCommit.Conflict;
    }

    private static NpgsqlParameter RunId(long runId) => new("run_id", NpgsqlDbType.Bigint) { Value = runId };

    private static HeldCursor ReadHeld(NpgsqlDataReader r) => new()
    {
        Pipeline = r.GetString(r.GetOrdinal("pipeline")),
        TaskId = r.GetString(r.GetOrdinal("task_id")),
        RunId = r.GetInt64(r.GetOrdinal("run_id")),
        Column = r.GetString(r.GetOrdinal("column_name")),
        Expected = ReadText(r, "expected") is { } expected ? new CursorValue(CursorValue.KindOf(ReadText(r, "expected_kind")!), expected) : null,
        Next = new CursorValue(CursorValue.KindOf(r.GetString(r.GetOrdinal("kind"))), r.GetString(r.GetOrdinal("next"))),
        HeldAt = ReadTime(r, "held_at") ?? DateTimeOffset.MinValue,
    };
}
