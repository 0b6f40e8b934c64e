using Microsoft.Data.Sqlite;
using Sluice.Incremental;

namespace Sluice.Metadata.Sqlite;

/// <summary>Incremental cursors (watermarks), beside run history in the same file.</summary>
public sealed partial class SqliteMetadataStore : ICursorStore
{
    private const string UpsertCursor = """
        INSERT INTO cursors (pipeline, task_id, column_name, kind, value, updated_at, run_id)
        VALUES ($pipeline, $task_id, $column, $kind, $value, $at, $run_id)
        ON CONFLICT (pipeline, task_id) DO UPDATE SET column_name = excluded.column_name, kind = excluded.kind,
            value = excluded.value, updated_at = excluded.updated_at, run_id = excluded.run_id
        """;

    public async Task<CursorState?> GetCursorAsync(string pipeline, string taskId, CancellationToken cancellationToken) =>
        (await ListCursorsAsync(pipeline, taskId, cancellationToken)).FirstOrDefault();

    public async Task<IReadOnlyList<CursorState>> ListCursorsAsync(string pipeline, string? taskId, CancellationToken cancellationToken) =>
        await QueryAsync(
            "SELECT * FROM cursors WHERE pipeline = $pipeline AND ($task_id IS NULL OR task_id = $task_id) ORDER BY task_id",
            [("pipeline", pipeline), ("task_id", taskId)],
            ReadCursor,
            cancellationToken);

    public Task<bool> AdvanceCursorAsync(CursorState next, CursorValue? expected, CancellationToken cancellationToken) =>
        InTransactionAsync(transaction => AdvanceInAsync(transaction, next, expected, cancellationToken), cancellationToken);

    /// <summary>The compare-and-set inside a (write) transaction: moves the watermark only if it is still <paramref name="expected"/>.</summary>
    private async Task<bool> AdvanceInAsync(SqliteTransaction transaction, CursorState next, CursorValue? expected, CancellationToken cancellationToken)
    {
        var current = (await QueryInAsync(
            transaction,
            "SELECT * FROM cursors WHERE pipeline = $pipeline AND task_id = $task_id",
            [("pipeline", next.Pipeline), ("task_id", next.TaskId)],
            ReadCursor,
            cancellationToken)).FirstOrDefault();
        if (current?.Value != expected)
        {
            return false;
        }

        await ScalarInAsync(transaction, UpsertCursor, CursorParameters(next), cancellationToken);
        return true;
    }

    public Task SetCursorAsync(CursorState state, CancellationToken cancellationToken) =>
        ExecuteAsync(UpsertCursor, CursorParameters(state), cancellationToken);

    public Task<int> ResetCursorsAsync(string pipeline, string? taskId, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async transaction =>
            {
                await ScalarInAsync(transaction, "DELETE FROM held_cursors WHERE pipeline = $pipeline AND ($task_id IS NULL OR task_id = $task_id)", [("pipeline", pipeline), ("task_id", taskId)], cancellationToken);
                await using var command = Command(transaction, "DELETE FROM cursors WHERE pipeline = $pipeline AND ($task_id IS NULL OR task_id = $task_id)", [("pipeline", pipeline), ("task_id", taskId)]);
                return await command.ExecuteNonQueryAsync(cancellationToken);
            },
            cancellationToken);

    private (string Name, object? Value)[] CursorParameters(CursorState state) =>
        [("pipeline", state.Pipeline), ("task_id", state.TaskId), ("column", state.Column), ("kind", state.Value.KindName),
         ("value", state.Value.Text), ("at", Time(state.UpdatedAt)), ("run_id", state.RunId)];

    private static CursorState ReadCursor(SqliteDataReader r) => new()
    {
        Pipeline = r.GetString(r.GetOrdinal("pipeline")),
        TaskId = r.GetString(r.GetOrdinal("task_id")),
        Column = r.GetString(r.GetOrdinal("column_name")),
        Value = new CursorValue(CursorValue.KindOf(r.GetString(r.GetOrdinal("kind"))), r.GetString(r.GetOrdinal("value"))),
        UpdatedAt = ParseTime(r, "updated_at") ?? DateTimeOffset.MinValue,
        RunId = r.IsDBNull(r.GetOrdinal("run_id")) ? null : r.GetInt64(r.GetOrdinal("run_id")),
    };
}
