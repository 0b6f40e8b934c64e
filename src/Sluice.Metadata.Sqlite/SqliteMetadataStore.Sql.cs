using System.Globalization;
using Microsoft.Data.Sqlite;
using Sluice.State;

namespace Sluice.Metadata.Sqlite;

/// <summary>Row mapping and the serialised command helpers.</summary>
public sealed partial class SqliteMetadataStore
{
    private static RunRecord ReadRun(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        Pipeline = r.GetString(r.GetOrdinal("pipeline")),
        LogicalDate = DateOnly.ParseExact(r.GetString(r.GetOrdinal("logical_date")), "yyyy-MM-dd", CultureInfo.InvariantCulture),
        IntervalStart = ParseTime(r, "interval_start")!.Value,
        IntervalEnd = ParseTime(r, "interval_end")!.Value,
        State = StateNames.Parse<RunState>(r.GetString(r.GetOrdinal("state"))),
        Trigger = r.GetString(r.GetOrdinal("trigger")),
        StartedAt = ParseTime(r, "started_at")!.Value,
        EndedAt = ParseTime(r, "ended_at"),
        Error = Text(r, "error"),
        Host = Text(r, "host"),
        ProcessId = r.IsDBNull(r.GetOrdinal("process_id")) ? null : r.GetInt32(r.GetOrdinal("process_id")),
        HeartbeatAt = ParseTime(r, "heartbeat_at"),
    };

    private static readonly Dictionary<string, TaskState> TaskStates = Enum.GetValues<TaskState>().ToDictionary(StateNames.Of, s => s, StringComparer.Ordinal);

    private static TaskInstanceRecord ReadTask(SqliteDataReader r) => new()
    {
        RunId = r.GetInt64(r.GetOrdinal("run_id")),
        TaskId = r.GetString(r.GetOrdinal("task_id")),
        State = TaskStates[r.GetString(r.GetOrdinal("state"))],
        TryNumber = r.GetInt32(r.GetOrdinal("try_number")),
        StartedAt = ParseTime(r, "started_at"),
        EndedAt = ParseTime(r, "ended_at"),
        RowsRead = r.GetInt64(r.GetOrdinal("rows_read")),
        RowsWritten = r.GetInt64(r.GetOrdinal("rows_written")),
        RowsQuarantined = r.GetInt64(r.GetOrdinal("rows_quarantined")),
        Reused = r.GetInt64(r.GetOrdinal("reused")) != 0,
        Error = Text(r, "error"),
        NextAttemptAt = ParseTime(r, "next_attempt_at"),
    };

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    // Times are written in one format (Time); the exact parse is much cheaper than the general one, which
    // the queue's snapshots of large runs would otherwise spend most of their time in.
    private static DateTimeOffset? ParseTime(SqliteDataReader r, string column) =>
        Text(r, column) is not { } text ? null
        : DateTimeOffset.TryParseExact(text, "yyyy-MM-dd'T'HH:mm:ss.fff'Z'", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var exact) ? exact
        : DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal);

    private static string? Text(SqliteDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
    }

    private Task ExecuteAsync(string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken) =>
        InTransactionAsync(t => ScalarInAsync(t, sql, parameters, cancellationToken), cancellationToken);

    private Task<List<T>> QueryAsync<T>(string sql, (string Name, object? Value)[] parameters, Func<SqliteDataReader, T> read, CancellationToken cancellationToken) =>
        InTransactionAsync(t => QueryInAsync(t, sql, parameters, read, cancellationToken), cancellationToken, readOnly: true);

    /// <summary>
    /// One transaction at a time on this connection. Writes begin IMMEDIATE, queued first among this
    /// process's stores on the file; SQLite's write lock orders processes. Reads begin DEFERRED: under WAL
    /// they see a snapshot and never wait for a writer.
    /// </summary>
    private async Task<T> InTransactionAsync<T>(Func<SqliteTransaction, Task<T>> work, CancellationToken cancellationToken, bool readOnly = false)
    {
        await _gate.WaitAsync(cancellationToken);
        var writing = false;
        try
        {
            if (!readOnly)
            {
                await _writers.WaitAsync(cancellationToken);
                writing = true;
            }

            // Microsoft.Data.Sqlite has no asynchronous BEGIN: its async methods run synchronously anyway.
            var transaction = _connection.BeginTransaction(deferred: readOnly);
            try
            {
                var result = await work(transaction);
                await transaction.CommitAsync(cancellationToken);
                return result;
            }
            finally
            {
                EndTransaction(transaction);
            }
        }
        finally
        {
            if (writing)
            {
                _writers.Release();
            }

            _gate.Release();
        }
    }

    /// <summary>
    /// Cancelling a command interrupts the whole connection, and the interrupt can also reach the ROLLBACK
    /// that disposing the transaction runs. A connection left inside its transaction would keep the write
    /// lock until the process exits, failing every other worker with "database is locked"; so whatever
    /// happened, the connection leaves here in autocommit mode.
    /// </summary>
    private void EndTransaction(SqliteTransaction transaction)
    {
        try
        {
            transaction.Dispose();
        }
        catch (SqliteException)
        {
            // The interrupted rollback: the plain ROLLBACK below ends the transaction instead.
        }

        if (SQLitePCL.raw.sqlite3_get_autocommit(_connection.Handle) == 0)
        {
            SQLitePCL.raw.sqlite3_exec(_connection.Handle, "ROLLBACK");
        }
    }

    private async Task<object?> ScalarInAsync(SqliteTransaction transaction, string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        await using var command = Command(transaction, sql, parameters);
        return await command.ExecuteScalarAsync(cancellationToken);
    }

    private async Task<List<T>> QueryInAsync<T>(SqliteTransaction transaction, string sql, (string Name, object? Value)[] parameters, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await using var command = Command(transaction, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var results = new List<T>();
        while (await reader.ReadAsync(cancellationToken))
        {
            results.Add(read(reader));
        }

        return results;
    }

    private SqliteCommand Command(SqliteTransaction transaction, string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.Transaction = transaction;
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue("$" + name, value ?? DBNull.Value);
        }

        return command;
    }
}
