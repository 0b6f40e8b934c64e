using Microsoft.Data.Sqlite;

namespace Sluice.Connectors.Sqlite;

/// <summary>The <c>sqlite</c> connection type: a database file, relative to the pipeline file.</summary>
public static class SqliteConnections
{
    public static ConnectionType Type { get; } = new(
        "sqlite",
        "A SQLite database file (Microsoft.Data.Sqlite).",
        [
            new("path", OptionKind.Path, "Database file, relative to the pipeline file.") { Required = true },
            new("busy_timeout", OptionKind.Integer, "Seconds to wait for another writer's lock before failing the attempt.") { Default = "30" },
        ]);

    internal static async Task<(SqliteConnection Connection, string Display)> OpenAsync(TaskContext context, bool create, CancellationToken cancellationToken)
    {
        var name = context.Options.GetRequiredString("connection");
        var options = context.Connection();
        var path = context.ResolvePath(options.GetRequiredString("path"));
        var display = $"connection '{name}' (sqlite {path})";
        if (!create && !File.Exists(path))
        {
            throw new NonRetryableException($"{display}: the database file does not exist. Check the connection's path (relative paths start at the pipeline file).");
        }

        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        var builder = new SqliteConnectionStringBuilder
        {
            DataSource = path,
            Mode = create ? SqliteOpenMode.ReadWriteCreate : SqliteOpenMode.ReadWrite,
            DefaultTimeout = options.GetInt("busy_timeout"),
            // A pooled handle would keep the file open after the task, blocking its deletion or replacement.
            Pooling = false,
        };
        var connection = new SqliteConnection(builder.ConnectionString);
        try
        {
            await connection.OpenAsync(cancellationToken);
            return (connection, display);
        }
        catch (SqliteException e)
        {
            await connection.DisposeAsync();
            throw new NonRetryableException($"{display}: could not open the database: {e.Message}");
        }
    }

    /// <summary>SQLITE_BUSY and SQLITE_LOCKED clear up when the other writer finishes; anything else will fail again.</summary>
    internal static SluiceException Translate(SqliteException e, string where, TaskContext context) =>
        e.SqliteErrorCode is 5 or 6
            ? new SluiceException($"{where}: the database is locked by another writer ({e.Message}). Nothing was committed; {RetryNote.For(context)}")
            : new NonRetryableException($"{where}: SQLite said: {e.Message}");
}
