using System.Globalization;
using Microsoft.Data.Sqlite;
using Sluice.State;

namespace Sluice.Metadata.Sqlite;

/// <summary>
/// Run history and task states in one SQLite file in the project folder: the no-server default.
/// Writes are serialised because tasks of one run report their states concurrently.
/// </summary>
public sealed class SqliteMetadataStore : IMetadataStore
{
    private readonly SqliteConnection _connection;
    private readonly SemaphoreSlim _gate = new(1, 1);

    private SqliteMetadataStore(SqliteConnection connection) => _connection = connection;

    public string Path { get; private init; } = string.Empty;

    public static async Task<SqliteMetadataStore> OpenAsync(string path, CancellationToken cancellationToken = default)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(System.IO.Path.GetFullPath(path))!);
        var connection = new SqliteConnection(new SqliteConnectionStringBuilder { DataSource = path, Pooling = false }.ConnectionString);
        await connection.OpenAsync(cancellationToken);
        var store = new SqliteMetadataStore(connection) { Path = path };
        await store.ExecuteAsync(SqliteSchema.Script, [], cancellationToken);
        return store;
    }

    public async Task<RunRecord> StartRunAsync(RunRecord run, CancellationToken cancellationToken)
    {
        var id = await ScalarAsync(
            """
            INSERT INTO runs (pipeline, logical_date, interval_start, interval_end, state, trigger, started_at)
            VALUES ($pipeline, $logical_date, $interval_start, $interval_end, $state, $trigger, $started_at) RETURNING id
            """,
            [("pipeline", run.Pipeline), ("logical_date", Date(run.LogicalDate)), ("interval_start", Time(run.IntervalStart)), ("interval_end", Time(run.IntervalEnd)),
             ("state", Name(run.State)), ("trigger", run.Trigger), ("started_at", Time(run.StartedAt))],
            cancellationToken);
        return run with { Id = id };
    }

    public Task FinishRunAsync(long runId, RunState state, string? error, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "UPDATE runs SET state = $state, ended_at = $ended_at, error = $error WHERE id = $id",
            [("state", Name(state)), ("ended_at", Time(DateTimeOffset.UtcNow)), ("error", error), ("id", runId)],
            cancellationToken);

    public Task SaveTaskAsync(TaskInstanceRecord task, CancellationToken cancellationToken) =>
        ExecuteAsync(
            """
            INSERT INTO task_instances (run_id, task_id, state, try_number, started_at, ended_at, rows_read, rows_written, rows_quarantined, reused, error)
            VALUES ($run_id, $task_id, $state, $try_number, $started_at, $ended_at, $rows_read, $rows_written, $rows_quarantined, $reused, $error)
            ON CONFLICT (run_id, task_id) DO UPDATE SET state = excluded.state, try_number = excluded.try_number,
                started_at = excluded.started_at, ended_at = excluded.ended_at, rows_read = excluded.rows_read,
                rows_written = excluded.rows_written, rows_quarantined = excluded.rows_quarantined, reused = excluded.reused, error = excluded.error
            """,
            [("run_id", task.RunId), ("task_id", task.TaskId), ("state", Name(task.State)), ("try_number", task.TryNumber),
             ("started_at", task.StartedAt is { } s ? Time(s) : null), ("ended_at", task.EndedAt is { } e ? Time(e) : null),
             ("rows_read", task.RowsRead), ("rows_written", task.RowsWritten), ("rows_quarantined", task.RowsQuarantined),
             ("reused", task.Reused ? 1 : 0), ("error", task.Error)],
            cancellationToken);

    public async Task<IReadOnlyList<RunRecord>> ListRunsAsync(string? pipeline, int limit, CancellationToken cancellationToken) =>
        await QueryAsync(
            "SELECT * FROM runs WHERE ($pipeline IS NULL OR pipeline = $pipeline) ORDER BY id DESC LIMIT $limit",
            [("pipeline", pipeline), ("limit", limit)],
            ReadRun,
            cancellationToken);

    public async Task<IReadOnlyList<TaskInstanceRecord>> ListTasksAsync(long runId, CancellationToken cancellationToken) =>
        await QueryAsync("SELECT * FROM task_instances WHERE run_id = $run_id ORDER BY rowid", [("run_id", runId)], ReadTask, cancellationToken);

    public async Task<RunRecord?> LatestRunAsync(string pipeline, DateOnly logicalDate, CancellationToken cancellationToken) =>
        (await QueryAsync(
            "SELECT * FROM runs WHERE pipeline = $pipeline AND logical_date = $logical_date ORDER BY id DESC LIMIT 1",
            [("pipeline", pipeline), ("logical_date", Date(logicalDate))],
            ReadRun,
            cancellationToken)).FirstOrDefault();

    public async ValueTask DisposeAsync()
    {
        await _connection.DisposeAsync();
        _gate.Dispose();
    }

    private static RunRecord ReadRun(SqliteDataReader r) => new()
    {
        Id = r.GetInt64(r.GetOrdinal("id")),
        Pipeline = r.GetString(r.GetOrdinal("pipeline")),
        LogicalDate = DateOnly.ParseExact(r.GetString(r.GetOrdinal("logical_date")), "yyyy-MM-dd", CultureInfo.InvariantCulture),
        IntervalStart = ParseTime(r, "interval_start")!.Value,
        IntervalEnd = ParseTime(r, "interval_end")!.Value,
        State = Enum.Parse<RunState>(r.GetString(r.GetOrdinal("state")), ignoreCase: true),
        Trigger = r.GetString(r.GetOrdinal("trigger")),
        StartedAt = ParseTime(r, "started_at")!.Value,
        EndedAt = ParseTime(r, "ended_at"),
        Error = Text(r, "error"),
    };

    private static TaskInstanceRecord ReadTask(SqliteDataReader r) => new()
    {
        RunId = r.GetInt64(r.GetOrdinal("run_id")),
        TaskId = r.GetString(r.GetOrdinal("task_id")),
        State = Enum.Parse<TaskState>(r.GetString(r.GetOrdinal("state")).Replace("_", string.Empty, StringComparison.Ordinal), ignoreCase: true),
        TryNumber = r.GetInt32(r.GetOrdinal("try_number")),
        StartedAt = ParseTime(r, "started_at"),
        EndedAt = ParseTime(r, "ended_at"),
        RowsRead = r.GetInt64(r.GetOrdinal("rows_read")),
        RowsWritten = r.GetInt64(r.GetOrdinal("rows_written")),
        RowsQuarantined = r.GetInt64(r.GetOrdinal("rows_quarantined")),
        Reused = r.GetInt64(r.GetOrdinal("reused")) != 0,
        Error = Text(r, "error"),
    };

    /// <summary>States are stored in snake_case, the names Airflow users know (<c>upstream_failed</c>).</summary>
    internal static string Name<T>(T value)
        where T : struct, Enum =>
        string.Concat(value.ToString().Select((c, i) => i > 0 && char.IsUpper(c) ? "_" + char.ToLowerInvariant(c) : char.ToLowerInvariant(c).ToString()));

    private static string Date(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);

    private static string Time(DateTimeOffset time) => time.ToUniversalTime().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture);

    private static DateTimeOffset? ParseTime(SqliteDataReader r, string column) =>
        Text(r, column) is { } text ? DateTimeOffset.Parse(text, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal) : null;

    private static string? Text(SqliteDataReader r, string column)
    {
        var ordinal = r.GetOrdinal(column);
        return r.IsDBNull(ordinal) ? null : r.GetString(ordinal);
    }

    private async Task ExecuteAsync(string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = Command(sql, parameters);
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<long> ScalarAsync(string sql, (string Name, object? Value)[] parameters, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = Command(sql, parameters);
            return Convert.ToInt64(await command.ExecuteScalarAsync(cancellationToken), CultureInfo.InvariantCulture);
        }
        finally
        {
            _gate.Release();
        }
    }

    private async Task<List<T>> QueryAsync<T>(string sql, (string Name, object? Value)[] parameters, Func<SqliteDataReader, T> read, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            await using var command = Command(sql, parameters);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            var results = new List<T>();
            while (await reader.ReadAsync(cancellationToken))
            {
                results.Add(read(reader));
            }

            return results;
        }
        finally
        {
            _gate.Release();
        }
    }

    private SqliteCommand Command(string sql, (string Name, object? Value)[] parameters)
    {
        var command = _connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue("$" + name, value ?? DBNull.Value);
        }

        return command;
    }
}
