using System.Data.Common;

namespace Sluice.Incremental;

/// <summary>
/// A cursor store that a load into the same database can commit a watermark with, in the load's own
/// transaction: rows and watermark then become visible together or not at all, with no window between
/// the load's commit and the watermark's. A sink offers it its connection; a store that does not share
/// the database declines, and the watermark is committed after the load as usual.
/// </summary>
public interface ITransactionalCursorStore : ICursorStore
{
    /// <summary>Whether <paramref name="connection"/> (open) reaches the database these cursors live in.</summary>
    bool SharesDatabaseWith(DbConnection connection);

    /// <summary>
    /// <see cref="ICursorStore.CommitHeldCursorAsync"/> inside the caller's <paramref name="transaction"/>
    /// on <paramref name="connection"/>, which must share the database.
    /// </summary>
    Task<CursorCommit> CommitHeldCursorAsync(DbConnection connection, DbTransaction transaction, HeldCursor held, DateTimeOffset at, CancellationToken cancellationToken);
}
