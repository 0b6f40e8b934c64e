using Npgsql;
using NpgsqlTypes;
using Sluice.State;

namespace Sluice.Metadata.Postgres;

/// <summary>Migrations, row mapping and typed parameters (typed, so a null still tells PostgreSQL its type).</summary>
public sealed partial class PostgresMetadataStore
{
    /// <summary>
    /// Creates the schema and applies missing migrations while holding a session advisory lock, so
    /// processes starting together take turns: the first migrates, the others find it done.
    /// </summary>
    private async Task MigrateAsync(CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        var lockKey = new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = "sluice.migrate:" + Settings.Schema };
        await using (var take = new NpgsqlCommand("SELECT pg_advisory_lock(hashtext(@key))", connection) { Parameters = { lockKey } })
        {
            await take.ExecuteNonQueryAsync(cancellationToken);
        }

        try
        {
            await using (var create = new NpgsqlCommand(
                $"CREATE SCHEMA IF NOT EXISTS {_schema}; CREATE TABLE IF NOT EXISTS {_schema}.schema_version (version integer PRIMARY KEY, applied_at timestamptz NOT NULL DEFAULT now())",
                connection))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            int version;
            await using (var read = new NpgsqlCommand($"SELECT coalesce(max(version), 0) FROM {_schema}.schema_version", connection))
            {
                version = (int)(await read.ExecuteScalarAsync(cancellationToken))!;
            }

            if (version > PostgresSchema.Migrations.Count)
            {
                throw new SluiceException(
                    $"the metadata store ({Settings}) has schema version {version}, newer than this Sluice knows ({PostgresSchema.Migrations.Count}); upgrade Sluice on this machine.");
            }

            for (var next = version; next < PostgresSchema.Migrations.Count; next++)
            {
                await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
                await using (var migrate = new NpgsqlCommand(PostgresSchema.Migrations[next].Replace("{S}", _schema, StringComparison.Ordinal), connection, transaction))
                {
                    await migrate.ExecuteNonQueryAsync(cancellationToken);
                }

                await using (var record = new NpgsqlCommand($"INSERT INTO {_schema}.schema_version (version) VALUES (@version)", connection, transaction))
                {
                    record.Parameters.Add(new NpgsqlParameter("version", NpgsqlDbType.Integer) { Value = next + 1 });
                    await record.ExecuteNonQueryAsync(cancellationToken);
                }

                await transaction.CommitAsync(cancellationToken);
            }
        }
        finally
        {
            await using var release = new NpgsqlCommand("SELECT pg_advisory_unlock(hashtext(@key))", connection) { Parameters = { lockKey.Clone() } };
            await release.ExecuteNonQueryAsync(CancellationToken.None);
        }
    }

    private static RunRecord ReadRun(NpgsqlDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        Pipeline = r.GetString(r.GetOrdinal("pipeline")),
        LogicalDate = r.GetFieldValue<DateOnly>(r.GetOrdinal("logical_date")),
        IntervalStart = ReadTime(r, "interval_start")!.Value,
        IntervalEnd = ReadTime(r, "interval_end")!.Value,
        State = StateNames.Parse<RunState>(r.GetString(r.GetOrdinal("state"))),
        Trigger = r.GetString(r.GetOrdinal("trigger")),
        StartedAt = ReadTime(r, "started_at")!.Value,
        EndedAt = ReadTime(r, "ended_at"),
        Error = ReadText(r, "error"),
        Host = ReadText(r, "host"),
        ProcessId = r.IsDBNull(r.GetOrdinal("process_id")) ? null : r.GetInt32(r.GetOrdinal("process_id")),
        HeartbeatAt = ReadTime(r, "heartbeat_at"),
    };

    private static TaskInstanceRecord ReadTask(NpgsqlDataReader r) => new()
    {
        RunId = r.GetInt64(r.GetOrdinal("run_id")),
        TaskId = r.GetString(r.GetOrdinal("task_id")),
        State = StateNames.Parse<TaskState>(r.GetString(r.GetOrdinal("state"))),
        TryNumber = r.GetInt32(r.GetOrdinal("try_number")),
        StartedAt = ReadTime(r, "started_at"),
        EndedAt = ReadTime(r, "ended_at"),
        RowsRead = r.GetInt64(r.GetOrdinal("rows_read")),
        RowsWritten = r.GetInt64(r.GetOrdinal("rows_written")),
        RowsQuarantined = r.GetInt64(r.GetOrdinal("rows_quarantined")),
        Reused = r.GetBoolean(r.GetOrdinal("reused")),
        Error = ReadText(r, "error"),
        NextAttemptAt = ReadTime(r, "next_attempt_at"),
    };

    private static DateTimeOffset? ReadTime(NpgsqlDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : r.GetFieldValue<DateTimeOffset>(ordinal);
    }

    private static string? ReadText(NpgsqlDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
    }

    private static NpgsqlParameter Text(string name, string? value) => new(name, NpgsqlDbType.Text) { Value = (object?)value ?? DBNull.Value };

    private static NpgsqlParameter Id(string name, long value) => new(name, NpgsqlDbType.Bigint) { Value = value };

    private static NpgsqlParameter Date(string name, DateOnly value) => new(name, NpgsqlDbType.Date) { Value = value };

    /// <summary>timestamptz takes UTC instants only, whatever offset the caller's clock gave.</summary>
    private static NpgsqlParameter Time(string name, DateTimeOffset? value) =>
        new(name, NpgsqlDbType.TimestampTz) { Value = value is { } v ? v.ToUniversalTime() : DBNull.Value };

    private Task<int> ExecuteAsync(string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken) =>
        InTransactionAsync((c, t) => ExecuteInAsync(c, t, sql, parameters, cancellationToken), cancellationToken);

    private Task<List<T>> QueryAsync<T>(string sql, NpgsqlParameter[] parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken) =>
        InTransactionAsync((c, t) => QueryInAsync(c, t, sql, parameters, read, cancellationToken), cancellationToken);

    /// <summary>One transaction on a pooled connection: concurrent callers each get their own.</summary>
    private async Task<T> InTransactionAsync<T>(Func<NpgsqlConnection, NpgsqlTransaction, Task<T>> work, CancellationToken cancellationToken)
    {
        await using var connection = await _source.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var result = await work(connection, transaction);
        await transaction.CommitAsync(cancellationToken);
        return result;
    }

    private static async Task<int> ExecuteInAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<object?> ScalarInAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, NpgsqlParameter[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private static async Task<List<T>> QueryInAsync<T>(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, NpgsqlParameter[] parameters, Func<NpgsqlDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = Command(connection, transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(read(reader));
        }

        return results;
    }

    private static NpgsqlParameter Texts(string name, IEnumerable<string> values) => new(name, NpgsqlDbType.Array | NpgsqlDbType.Text) { Value = values.ToArray() };

    /// <summary>A statement of a batch: batches send several in one round trip.</summary>
    private static NpgsqlBatchCommand Batched(string sql, NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static NpgsqlCommand Command(NpgsqlConnection connection, NpgsqlTransaction transaction, string sql, NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection, transaction);
        command.Parameters.AddRange(parameters);
        return command;
    }
}
