using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.DuckDb;

/// <summary>
/// A slowly changing dimension, type 2. For each input row, the version valid at the effective date D
/// is compared on the tracked columns. Unchanged: nothing happens (so a rerun changes nothing).
/// Changed: that version is closed at D and a new one opens at D, valid until the old one's end
/// (so a late correction for a past date slots into history instead of rewriting the present); if the
/// old version itself starts at D, it is corrected in place. Keys with no version at D get one.
/// </summary>
internal sealed class Scd2Load(DuckDbSession session, TaskContext context, string schema, string table, IReadOnlyList<string> key)
{
    private const string Input = "sluice_input";
    private readonly string _target = SqlText.Qualified(schema, table);
    private readonly string _sk = SqlText.Identifier(context.Options.GetRequiredString("surrogate_key"));

    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var effective = ScdOptions.EffectiveDate(context);
        var inputColumns = (await session.DescribeAsync($"SELECT * FROM {Input}", [], cancellationToken)).Select(c => c.Name).ToList();
        var tracked = ScdOptions.Tracked(context, inputColumns, key);
        var sameKey = string.Join(" AND ", key.Select(k => $"i.{SqlText.Identifier(k)} = t.{SqlText.Identifier(k)}"));
        var nextKey = string.Join(" AND ", key.Select(k => $"i.{SqlText.Identifier(k)} = n.{SqlText.Identifier(k)}"));
        var changed = string.Join(" OR ", tracked.Select(c => $"i.{SqlText.Identifier(c)} IS DISTINCT FROM t.{SqlText.Identifier(c)}"));
        var columns = string.Join(", ", inputColumns.Select(SqlText.Identifier));
        var validAtD = $"t.valid_from <= $d AND (t.valid_to IS NULL OR t.valid_to > $d) AND t.{_sk} <> -1";
        IReadOnlyList<Templating.SqlParameterValue> d = [new("d", effective)];

        await session.ExecuteAsync("BEGIN TRANSACTION", [], cancellationToken);
        try
        {
            await EnsureTableAsync(cancellationToken);
            // Decide everything from the state before this load, then apply it.
            await session.ExecuteAsync(
                $"""
                CREATE OR REPLACE TEMP TABLE scd2_plan AS
                SELECT i.*, t.{_sk} AS old_sk, t.valid_from AS old_from, t.valid_to AS old_to,
                       (SELECT min(n.valid_from) FROM {_target} AS n WHERE {nextKey} AND n.valid_from > $d) AS next_from
                FROM {Input} AS i LEFT JOIN {_target} AS t ON {sameKey} AND {validAtD}
                WHERE t.{_sk} IS NULL OR {changed}
                """,
                d,
                cancellationToken);
            var set = string.Join(", ", tracked.Select(c => $"{SqlText.Identifier(c)} = p.{SqlText.Identifier(c)}"));
            await session.ExecuteAsync($"UPDATE {_target} AS t SET {set} FROM scd2_plan AS p WHERE t.{_sk} = p.old_sk AND p.old_from = $d", d, cancellationToken);
            await session.ExecuteAsync($"UPDATE {_target} AS t SET valid_to = $d, is_current = false FROM scd2_plan AS p WHERE t.{_sk} = p.old_sk AND p.old_from < $d", d, cancellationToken);
            var opened = await session.ScalarAsync<long>("SELECT count(*) FROM scd2_plan WHERE old_sk IS NULL OR old_from < $d", d, cancellationToken);
            await session.ExecuteAsync(
                $"""
                INSERT INTO {_target} ({_sk}, {columns}, valid_from, valid_to, is_current)
                SELECT (SELECT coalesce(max({_sk}), 0) FROM {_target}) + row_number() OVER (ORDER BY {string.Join(", ", key.Select(SqlText.Identifier))}),
                       {columns}, $d, coalesce(old_to, next_from), coalesce(old_to, next_from) IS NULL
                FROM scd2_plan WHERE old_sk IS NULL OR old_from < $d
                """,
                d,
                cancellationToken);
            var closed = context.Options.GetBool("close_missing") ? await CloseMissingAsync(d, cancellationToken) : 0;
            await session.ExecuteAsync("COMMIT", [], cancellationToken);
            context.Log($"scd2 {schema}.{table} as of {effective:yyyy-MM-dd}: {opened} version(s) opened, {closed} closed for keys gone from the input");
            return opened;
        }
        catch
        {
            await session.ExecuteAsync("ROLLBACK", [], CancellationToken.None);
            throw;
        }
    }

    private async Task<long> CloseMissingAsync(IReadOnlyList<Templating.SqlParameterValue> d, CancellationToken cancellationToken)
    {
        var sameKey = string.Join(" AND ", key.Select(k => $"i.{SqlText.Identifier(k)} = t.{SqlText.Identifier(k)}"));
        return await session.ExecuteAsync(
            $"UPDATE {_target} AS t SET valid_to = $d, is_current = false WHERE t.is_current AND t.{_sk} <> -1 AND t.valid_from < $d AND NOT EXISTS (SELECT 1 FROM {Input} AS i WHERE {sameKey})",
            d,
            cancellationToken);
    }

    private async Task EnsureTableAsync(CancellationToken cancellationToken)
    {
        var exists = await session.ScalarAsync<long>(
            "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = $s AND table_name = $t",
            [new("s", schema), new("t", table)],
            cancellationToken) > 0;
        if (exists)
        {
            return;
        }

        await session.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS {SqlText.Identifier(schema)}", [], cancellationToken);
        await session.ExecuteAsync(
            $"CREATE TABLE {_target} AS SELECT CAST(NULL AS BIGINT) AS {_sk}, *, CAST(NULL AS DATE) AS valid_from, CAST(NULL AS DATE) AS valid_to, CAST(NULL AS BOOLEAN) AS is_current FROM {Input} WHERE false",
            [],
            cancellationToken);
        if (context.Options.GetBool("unknown_member"))
        {
            // Facts whose key is not (yet) in the dimension point here instead of being dropped.
            await session.ExecuteAsync($"INSERT INTO {_target} ({_sk}, valid_from, valid_to, is_current) VALUES (-1, DATE '1900-01-01', NULL, true)", [], cancellationToken);
        }
    }
}
