using Npgsql;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// Turns Npgsql failures during a query or a load into errors that say where and what to do, and
/// decides whether a retry can help: a lost connection or a deadlock can, bad SQL or bad data cannot.
/// </summary>
internal static class PostgresErrors
{
    public static bool IsTranslatable(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e is NpgsqlException or TimeoutException or InvalidCastException or OverflowException;

    /// <summary>A transient failure's message ends with what the executor will do about it (<see cref="RetryNote"/>).</summary>
    public static SluiceException Translate(Exception e, string where, TaskContext context)
    {
        if (e is PostgresException pg)
        {
            var detail = pg.Detail is { Length: > 0 } d ? $" {d}" : string.Empty;
            var hint = pg.Hint is { Length: > 0 } h ? $" Hint: {h}" : string.Empty;
            var message = $"{where}: PostgreSQL said: {pg.MessageText} ({pg.SqlState}).{detail}{hint}";
            return IsTransient(pg.SqlState)
                ? new SluiceException(message + " Nothing was committed; " + RetryNote.For(context))
                : new NonRetryableException(message);
        }

        if (e is InvalidCastException or OverflowException)
        {
            return new BadDataException($"{where}: {e.Message.TrimEnd('.')}. Cast the column in the query (for example to text or numeric(p,s)).");
        }

        // The connection broke (server restart, pg_terminate_backend, network): the open transaction
        // died with it, so nothing was committed and a retry starts clean.
        return new SluiceException($"{where}: the connection to PostgreSQL was lost ({NetworkFailure.Reason(e)}). Nothing was committed; " + RetryNote.For(context));
    }

    /// <summary>Connection exceptions, shutdowns, serialization failures, deadlocks and resource shortages.</summary>
    private static bool IsTransient(string sqlState) =>
        sqlState.StartsWith("08", StringComparison.Ordinal)
        || sqlState.StartsWith("53", StringComparison.Ordinal)
        || sqlState.StartsWith("57P", StringComparison.Ordinal)
        || sqlState is PostgresErrorCodes.SerializationFailure or PostgresErrorCodes.DeadlockDetected or PostgresErrorCodes.LockNotAvailable;
}
