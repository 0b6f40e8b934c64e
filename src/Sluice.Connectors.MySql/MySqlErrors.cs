using MySqlConnector;

namespace Sluice.Connectors.MySql;

/// <summary>
/// Turns MySqlConnector failures during a query or a load into errors that say where and what to
/// do, and decides whether a retry can help: a lost connection or a deadlock can, bad SQL or bad data cannot.
/// </summary>
internal static class MySqlErrors
{
    public static bool IsTranslatable(Exception e, CancellationToken cancellationToken) =>
        !cancellationToken.IsCancellationRequested && e is MySqlException or TimeoutException or InvalidCastException or OverflowException or FormatException;

    /// <summary>Null into NOT NULL, out of range, truncated, wrong value, too long, duplicate key.</summary>
    private static bool IsBadData(int number) => number is 1048 or 1062 or 1264 or 1265 or 1292 or 1366 or 1406;

    /// <summary>A transient failure's message ends with what the executor will do about it (<see cref="RetryNote"/>).</summary>
    public static SluiceException Translate(Exception e, string where, TaskContext context)
    {
        if (e is MySqlException { Number: > 0 and < 2000 } my)
        {
            // Server errors (1xxx): the statement was refused; the transaction, if any, is rolled back by the caller.
            var message = $"{where}: the server said: {my.Message.TrimEnd('.')} (error {my.Number}, SQLSTATE {my.SqlState}).";
            return my.IsTransient
                ? new SluiceException(message + " Nothing was committed; " + RetryNote.For(context))
                : IsBadData(my.Number)
                    ? new BadDataException(message + " Nothing was loaded.")
                    : new NonRetryableException(message);
        }

        if (e is InvalidCastException or OverflowException or FormatException)
        {
            return new BadDataException($"{where}: {e.Message.TrimEnd('.')}. Cast the column in the query (for example CAST(x AS CHAR)).");
        }

        // The connection broke (server restart, KILL, network): the open transaction died with it, so
        // nothing was committed and a retry starts clean.
        return new SluiceException($"{where}: the connection to the server was lost ({NetworkFailure.Reason(e)}). Nothing was committed; " + RetryNote.For(context));
    }
}
