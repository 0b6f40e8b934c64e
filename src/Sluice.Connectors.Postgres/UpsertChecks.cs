using Npgsql;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// A keyed load (upsert, scd1, scd2) needs one row per key and no null key: either would make the
/// result depend on row order, and a null key never matches so its row would be added again on every rerun.
/// </summary>
internal sealed class UpsertChecks(NpgsqlConnection connection, TaskContext context, TargetTable target)
{
    public async Task EnsureUsableKeysAsync(string stage, IReadOnlyList<string> key, CancellationToken cancellationToken)
    {
        var mode = context.Options.GetChoice("mode");
        var keys = key.Select(SqlText.Identifier).ToList();
        await using (var nulls = new NpgsqlCommand($"SELECT count(*) FROM {stage} WHERE {string.Join(" OR ", keys.Select(k => k + " IS NULL"))}", connection))
        {
            if (await nulls.ExecuteScalarAsync(cancellationToken) is long count and > 0)
            {
                throw new BadDataException($"task '{context.Task.Id}': {mode} into {target} found {count} row(s) with a null key ({string.Join(", ", key)}). Filter or fill them first; nothing was loaded.");
            }
        }

        var text = string.Join(" || ', ' || ", keys.Select(k => $"{k}::text"));
        await using var duplicates = new NpgsqlCommand($"SELECT {text}, count(*) FROM {stage} GROUP BY {string.Join(", ", keys)} HAVING count(*) > 1 LIMIT 3", connection);
        var examples = new List<string>();
        await using (var reader = await duplicates.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                examples.Add($"{reader.GetString(0)} ({reader.GetInt64(1)} rows)");
            }
        }

        if (examples.Count > 0)
        {
            throw new BadDataException($"task '{context.Task.Id}': {mode} into {target} needs one row per key ({string.Join(", ", key)}), but the input repeats keys: {string.Join("; ", examples)}. Deduplicate first; nothing was loaded.");
        }
    }
}
