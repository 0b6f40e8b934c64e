using System.Data.Common;
using Sluice.Connectors;

namespace Sluice.Incremental;

/// <summary>
/// Commits the watermarks a sink's load completes in the load's own transaction, where the metadata
/// store lives in the same database as the target: the rows and the watermark then commit together.
/// Anywhere else, and whenever this cannot be done, the watermark is committed after the load, which the
/// idempotent (keyed) load makes safe.
/// </summary>
public static class LoadTransactionWatermarks
{
    private const string Savepoint = "sluice_watermark";

    /// <summary>Call just before committing <paramref name="transaction"/>.</summary>
    public static async Task CommitAsync(TaskContext context, DbConnection connection, DbTransaction transaction, CancellationToken cancellationToken)
    {
        if (context.WatermarksToCommit.Count == 0 || context.Store is not ITransactionalCursorStore store || !store.SharesDatabaseWith(connection))
        {
            return;
        }

        foreach (var held in context.WatermarksToCommit)
        {
            // A savepoint, so a sink user who may not write the metadata schema still gets the load committed.
            await transaction.SaveAsync(Savepoint, cancellationToken);
            try
            {
                var outcome = await store.CommitHeldCursorAsync(connection, transaction, held, context.Time.GetUtcNow(), cancellationToken);
                await transaction.ReleaseAsync(Savepoint, cancellationToken);
                if (outcome == CursorCommit.Committed)
                {
                    context.Log($"watermark of '{held.Column}' of task '{held.TaskId}' committed in the load's transaction: {held.Expected?.Text ?? "(none)"} -> {held.Next}");
                }
                else if (outcome == CursorCommit.Conflict)
                {
                    context.Log($"watermark of '{held.Column}' of task '{held.TaskId}' not moved to {held.Next}: another run or 'sluice state set' changed it since the extract read it; the next run reads from that value");
                }
            }
            catch (DbException e)
            {
                await transaction.RollbackAsync(Savepoint, cancellationToken);
                context.Log($"watermark of task '{held.TaskId}' could not be committed in the load's transaction ({e.Message}); it is committed after the load instead");
            }
        }
    }
}
