using Microsoft.Data.Sqlite;
using Sluice.Incremental;

namespace Sluice.Metadata.Sqlite;

/// <summary>Cursors held by runs until their loads commit; committing one is a compare-and-set on its watermark.</summary>
public sealed partial class SqliteMetadataStore
{
    public Task HoldCursorAsync(HeldCursor held, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            INSERT INTO held_cursors (pipeline, task_id, run_id, column_name, expected_kind, expected, kind, next, held_at)
            VALUES ($pipeline, $task_id, $run_id, $column, $expected_kind, $expected, $kind, $next, $at)
            ON CONFLICT (pipeline, task_id, run_id) DO UPDATE SET column_name = excluded.column_name, expected_kind = excluded.expected_kind,
                expected = excluded.expected, kind = excluded.kind, next = excluded.next, held_at = excluded.held_at
            """,
            [("pipeline", held.Pipeline), ("task_id", held.TaskId), ("run_id", held.RunId), ("column", held.Column),
             ("expected_kind", held.Expected?.KindName), ("expected", held.Expected?.Text), ("kind", held.Next.KindName), ("next", held.Next.Text), ("at", Time(held.HeldAt))],
            cancellationToken);

    public async Task<IReadOnlyList<HeldCursor>> ListHeldCursorsAsync(string pipeline, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT * FROM held_cursors WHERE pipeline = $pipeline ORDER BY run_id, task_id", [("pipeline", pipeline)], ReadHeld, cancellationToken);

    public Task<CursorCommit> CommitHeldCursorAsync(HeldCursor held, DateTimeOffset at, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async transaction =>
            {
                await using var release = Command(
                    transaction,
                    "DELETE FROM held_cursors WHERE pipeline = $pipeline AND task_id = $task_id AND run_id = $run_id",
                    [("pipeline", held.Pipeline), ("task_id", held.TaskId), ("run_id", held.RunId)]);
                if (await release.ExecuteNonQueryAsync(cancellationToken) == 0)
                {
                    return CursorCommit.AlreadyCommitted;
                }

                // What older runs held for the task (a run that died before its loads) is superseded by this one.
                await ScalarInAsync(
                    transaction,
                    "DELETE FROM held_cursors WHERE pipeline = $pipeline AND task_id = $task_id AND run_id < $run_id",
                    [("pipeline", held.Pipeline), ("task_id", held.TaskId), ("run_id", held.RunId)],
                    cancellationToken);

                var next = new CursorState { Pipeline = held.Pipeline, TaskId = held.TaskId, Column = held.Column, Value = held.Next, UpdatedAt = at, RunId = held.RunId };
                return await AdvanceInAsync(transaction, next, held.Expected, cancellationToken) ? CursorCommit.Committed : CursorCommit.Conflict;
            },
            cancellationToken);

    private static HeldCursor ReadHeld(SqliteDataReader r) => new()
    {
        Pipeline = r.GetString(r.GetOrdinal("pipeline")),
        TaskId = r.GetString(r.GetOrdinal("task_id")),
        RunId = r.GetInt64(r.GetOrdinal("run_id")),
        Column = r.GetString(r.GetOrdinal("column_name")),
        Expected = r.IsDBNull(r.GetOrdinal("expected")) ? null : new CursorValue(CursorValue.KindOf(r.GetString(r.GetOrdinal("expected_kind"))), r.GetString(r.GetOrdinal("expected"))),
        Next = new CursorValue(CursorValue.KindOf(r.GetString(r.GetOrdinal("kind"))), r.GetString(r.GetOrdinal("next"))),
        HeldAt = ParseTime(r, "held_at") ?? DateTimeOffset.MinValue,
    };
}
