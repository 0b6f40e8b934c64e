using System.Globalization;
using Sluice.State;

namespace Sluice.Metadata.Sqlite;

/// <summary>
/// Pool slots in the same file as run history, so every process on the machine shares them. Each
/// claim is checked and taken in one write transaction, after dead runs are marked abandoned and the
/// claims of runs that are no longer running are dropped: a killed process frees its slots.
/// </summary>
public sealed partial class SqliteMetadataStore : IPoolSlots
{
    public Task<bool> TryClaimAsync(string pool, int size, long runId, string taskId, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async transaction =>
            {
                await ReapAbandonedAsync(transaction, null, cancellationToken);
                await ScalarInAsync(transaction, "DELETE FROM pool_slots WHERE run_id NOT IN (SELECT id FROM runs WHERE state = 'running')", [], cancellationToken);
                var mine = await ScalarInAsync(
                    transaction,
                    "SELECT count(*) FROM pool_slots WHERE pool = $pool AND run_id = $run_id AND task_id = $task_id",
                    [("pool", pool), ("run_id", runId), ("task_id", taskId)],
                    cancellationToken);
                if (Convert.ToInt64(mine, CultureInfo.InvariantCulture) > 0)
                {
                    return true;
                }

                var taken = await ScalarInAsync(transaction, "SELECT count(*) FROM pool_slots WHERE pool = $pool", [("pool", pool)], cancellationToken);
                if (Convert.ToInt64(taken, CultureInfo.InvariantCulture) >= size)
                {
                    return false;
                }

                await ScalarInAsync(
                    transaction,
                    "INSERT INTO pool_slots (pool, run_id, task_id, claimed_at) VALUES ($pool, $run_id, $task_id, $at)",
                    [("pool", pool), ("run_id", runId), ("task_id", taskId), ("at", Time(_time.GetUtcNow()))],
                    cancellationToken);
                return true;
            },
            cancellationToken);

    public Task ReleaseAsync(string pool, long runId, string taskId, CancellationToken cancellationToken) =>
        ExecuteAsync(
            "DELETE FROM pool_slots WHERE pool = $pool AND run_id = $run_id AND task_id = $task_id",
            [("pool", pool), ("run_id", runId), ("task_id", taskId)],
            cancellationToken);
}
