namespace Sluice.Connectors.MySql;

/// <summary>
/// An upsert needs one row per key and no null key: either would make the result depend on row
/// order, and a null key never matches, so its row would be added again on every rerun.
/// </summary>
internal sealed class StageChecks(TargetTable target, string where)
{
    public async Task EnsureUsableKeysAsync(string stage, IReadOnlyList<string> key, CancellationToken cancellationToken)
    {
        var keys = key.Select(MySqlText.Identifier).ToList();
        var nulls = Convert.ToInt64(await target.ScalarAsync($"SELECT COUNT(*) FROM {stage} WHERE {string.Join(" OR ", keys.Select(k => k + " IS NULL"))}", cancellationToken), System.Globalization.CultureInfo.InvariantCulture);
        if (nulls > 0)
        {
            throw new BadDataException($"{where}: upsert found {nulls} row(s) with a null key ({string.Join(", ", key)}). Filter or fill them first; nothing was loaded.");
        }

        var text = $"CONCAT_WS(', ', {string.Join(", ", keys)})";
        await using var command = target.Command($"SELECT {text}, COUNT(*) FROM {stage} GROUP BY {string.Join(", ", keys)} HAVING COUNT(*) > 1 LIMIT 3");
        var examples = new List<string>();
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                examples.Add($"{reader.GetString(0)} ({reader.GetInt64(1)} rows)");
            }
        }

        if (examples.Count > 0)
        {
            throw new BadDataException($"{where}: upsert needs one row per key ({string.Join(", ", key)}), but the input repeats keys: {string.Join("; ", examples)}. Deduplicate first; nothing was loaded.");
        }
    }
}
