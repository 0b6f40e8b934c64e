using Sluice.State;

namespace Sluice.Metadata.Postgres;

/// <summary>
/// Pool slots shared by every process that uses the schema. A claim is checked and taken under a
/// transaction-scoped advisory lock per pool (so two processes never both take the last slot), after dead
/// runs are marked abandoned and the claims of runs that are no longer running are dropped.
/// </summary>
public sealed partial class PostgresMetadataStore : IPoolSlots
{
    public Task<bool> TryClaimAsync(string pool, int size, long runId, string taskId, CancellationToken cancellationToken) =>
        InTransactionAsync(
            async (c, t) =>
            {
                await ScalarInAsync(c, t, "SELECT pg_advisory_xact_lock(hashtext(@space))", [Text("space", $"sluice.pool:{Settings.Schema}:{pool}")], cancellationToken);
                await ReapAbandonedAsync(c, t, null, cancellationToken);
                await ExecuteInAsync(
                    c,
                    t,
                    $"DELETE FROM {_schema}.pool_slots WHERE pool = @pool AND run_id NOT IN (SELECT id FROM {_schema}.runs WHERE state = 'running')",
                    [Text("pool", pool)],
                    cancellationToken);
                var (mine, taken) = (await QueryInAsync(
                    c,
                    t,
                    $"SELECT count(*) FILTER (WHERE run_id = @run_id AND task_id = @task_id), count(*) FROM {_schema}.pool_slots WHERE pool = @pool",
                    [Text("pool", pool), Id("run_id", runId), Text("task_id", taskId)],
                    r => (r.GetInt64(0), r.GetInt64(1)),
                    cancellationToken)).Single();
                if (mine > 0)
                {
                    return true;
                }

                if (taken >= size)
                {
                    return false;
                }

                await ExecuteInAsync(
                    c,
                    t,
                    $"INSERT INTO {_schema}.pool_slots (pool, run_id, task_id, claimed_at) VALUES (@pool, @run_id, @task_id, @at)",
                    [Text("pool", pool), Id("run_id", runId), Text("task_id", taskId), Time("at", _time.GetUtcNow())],
                    cancellationToken);
                return true;
            },
            cancellationToken);

    public Task ReleaseAsync(string pool, long runId, string taskId, CancellationToken cancellationToken) =>
        ExecuteAsync(
            $"DELETE FROM {_schema}.pool_slots WHERE pool = @pool AND run_id = @run_id AND task_id = @task_id",
            [Text("pool", pool), Id("run_id", runId), Text("task_id", taskId)],
            cancellationToken);
}
