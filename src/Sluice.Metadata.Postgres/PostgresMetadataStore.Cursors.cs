using Npgsql;
using NpgsqlTypes;
using Sluice.Incremental;

namespace Sluice.Metadata.Postgres;

/// <summary>Incremental cursors (watermarks), beside run history in the same schema.</summary>
public sealed partial class PostgresMetadataStore : ICursorStore
{
    private string UpsertCursor => $"""
        INSERT INTO {_schema}.cursors (pipeline, task_id, column_name, kind, value, updated_at, run_id)
        VALUES (@pipeline, @task_id, @column, @kind, @value, @at, @run_id)
        ON CONFLICT (pipeline, task_id) DO UPDATE SET column_name = excluded.column_name, kind = excluded.kind,
            value = excluded.value, updated_at = excluded.updated_at, run_id = excluded.run_id
        """;

    public async Task<CursorState?> GetCursorAsync(string pipeline, string taskId, CancellationToken cancellationToken) =>
        (await ListCursorsAsync(pipeline, taskId, cancellationToken)).FirstOrDefault();

    public async Task<IReadOnlyList<CursorState>> ListCursorsAsync(string pipeline, string? taskId, CancellationToken cancellationToken) =>
        await QueryAsync(
            $"SELECT * FROM {_schema}.cursors WHERE pipeline = @pipeline AND (@task_id::text IS NULL OR task_id = @task_id) ORDER BY task_id",
            [Text("pipeline", pipeline), Text("task_id", taskId)],
            ReadCursor,
            cancellationToken);

    public Task<bool> AdvanceCursorAsync(CursorState next, CursorValue? expected, CancellationToken cancellationToken) =>
        InTransactionAsync((connection, transaction) => AdvanceInAsync(connection, transaction, next, expected, cancellationToken), cancellationToken);

    /// <summary>The compare-and-set inside a transaction: moves the watermark only if it is still <paramref name="expected"/>.</summary>
    private async Task<bool> AdvanceInAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, CursorState next, CursorValue? expected, CancellationToken cancellationToken)
    {
        // FOR UPDATE: two runs committing at once are ordered, and the second sees the first's value.
        var current = (await QueryInAsync(
            connection,
            transaction,
            $"SELECT * FROM {_schema}.cursors WHERE pipeline = @pipeline AND task_id = @task_id FOR UPDATE",
            [Text("pipeline", next.Pipeline), Text("task_id", next.TaskId)],
            ReadCursor,
            cancellationToken)).FirstOrDefault();
        if (current?.Value != expected)
        {
            return false;
        }

        // A first value races on the insert; the primary key lets only one writer in.
        var sql = expected is null ? UpsertCursor.Split("ON CONFLICT")[0] + "ON CONFLICT (pipeline, task_id) DO NOTHING" : UpsertCursor;
        return await ExecuteInAsync(connection, transaction, sql, CursorParameters(next), cancellationToken) == 1;
    }

    public Task SetCursorAsync(CursorState state, CancellationToken cancellationToken) =>
        ExecuteAsync(UpsertCursor, CursorParameters(state), cancellationToken);

    public Task<int> ResetCursorsAsync(string pipeline, string? taskId, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async (connection, transaction) =>
            {
                const string Where = "WHERE pipeline = @pipeline AND (@task_id::text IS NULL OR task_id = @task_id)";
                await ExecuteInAsync(connection, transaction, $"DELETE FROM {_schema}.held_cursors {Where}", [Text("pipeline", pipeline), Text("task_id", taskId)], cancellationToken);
                return await ExecuteInAsync(connection, transaction, $"DELETE FROM {_schema}.cursors {Where}", [Text("pipeline", pipeline), Text("task_id", taskId)], cancellationToken);
            },
            cancellationToken);

    private static NpgsqlParameter[] CursorParameters(CursorState state) =>
        [Text("pipeline", state.Pipeline), Text("task_id", state.TaskId), Text("column", state.Column), Text("kind", state.Value.KindName),
         Text("value", state.Value.Text), Time("at", state.UpdatedAt),
         new NpgsqlParameter("run_id", NpgsqlDbType.Bigint) { Value = (object?)state.RunId ?? DBNull.Value }];

    private static CursorState ReadCursor(NpgsqlDataReader r) => new()
    {
        Pipeline = r.GetString(r.GetOrdinal("pipeline")),
        TaskId = r.GetString(r.GetOrdinal("task_id")),
        Column = r.GetString(r.GetOrdinal("column_name")),
        Value = new CursorValue(CursorValue.KindOf(r.GetString(r.GetOrdinal("kind"))), r.GetString(r.GetOrdinal("value"))),
        UpdatedAt = ReadTime(r, "updated_at") ?? DateTimeOffset.MinValue,
        RunId = r.IsDBNull(r.GetOrdinal("run_id")) ? null : r.GetInt64(r.GetOrdinal("run_id")),
    };
}
