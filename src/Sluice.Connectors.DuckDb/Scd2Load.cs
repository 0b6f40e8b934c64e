using Sluice.Engine.DuckDb;
using Sluice.Templating;

namespace Sluice.Connectors.DuckDb;

/// <summary>
/// A slowly changing dimension, type 2, merged at the effective date D so that the history is the one
/// loading every snapshot in date order gives, whatever order the dates arrive in (a backfill of
/// last week after today, a rerun of any day): see <see cref="Scd2MergeSql"/> for how, and
/// docs/transforms/modelling.md for when a late date is refused instead.
/// </summary>
internal sealed class Scd2Load(DuckDbSession session, TaskContext context, string schema, string table, IReadOnlyList<string> key)
{
    private const string Input = "sluice_input";
    private readonly string _target = SqlText.Qualified(schema, table);
    private readonly string _surrogateKey = context.Options.GetRequiredString("surrogate_key");
    private readonly bool _closeMissing = context.Options.GetBool("close_missing");

    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var effective = ScdOptions.EffectiveDate(context);
        var inputColumns = (await session.DescribeAsync($"SELECT * FROM {Input}", [], cancellationToken)).Select(c => c.Name).ToList();
        var merge = new Scd2MergeSql(new Scd2MergeSql.Shape(
            _target, Input, key, ScdOptions.Tracked(context, inputColumns, key), inputColumns, _surrogateKey, _closeMissing, name => "$" + name, (alias, column) => $"{alias}.{SqlText.Identifier(column)}"));
        var log = new Scd2LoadLog(schema, _target, _surrogateKey, name => "$" + name);
        List<SqlParameterValue> parameters = [new("d", effective), new("t", table)];

        await session.ExecuteAsync("BEGIN TRANSACTION", [], cancellationToken);
        try
        {
            var created = await EnsureTableAsync(cancellationToken);
            var state = await ReadStateAsync(log, created, parameters, cancellationToken);
            parameters.Add(new("next", state.Next is { } next ? next : DBNull.Value));
            if (Scd2LoadLog.Refusal(state, effective) is { } reason)
            {
                throw Refused(reason, state, effective);
            }

            await TempAsync(Scd2MergeSql.Now, merge.SelectNow(), parameters, cancellationToken);
            await TempAsync(Scd2MergeSql.Changes, merge.SelectChanges(), parameters, cancellationToken);
            if (!_closeMissing && await session.QueryAsync(merge.SelectUndecidable(), Used(merge.SelectUndecidable(), parameters), cancellationToken) is { Count: > 0 } keys)
            {
                throw Refused(Scd2LoadLog.Undecidable(keys.Select(k => string.Join(", ", k)), state.Next!.Value), state, effective);
            }

            await TempAsync(Scd2MergeSql.Window, merge.SelectWindow(), parameters, cancellationToken);
            await TempAsync(Scd2MergeSql.Result, merge.SelectResult(), parameters, cancellationToken);
            var removed = await session.ExecuteAsync(merge.DeleteDropped(), [], cancellationToken);
            var reshaped = await session.ExecuteAsync(merge.UpdateKept(), [], cancellationToken);
            var highest = Math.Max(await session.ScalarAsync<long>(log.HighestKey(), [], cancellationToken), state.HighestKey ?? 0);
            var opened = await session.ExecuteAsync(merge.InsertNew("$first"), [new("first", highest + 1)], cancellationToken);
            await session.ExecuteAsync(log.Unrecord(), parameters[..2], cancellationToken);
            await session.ExecuteAsync(log.Record(), [.. parameters[..2], new("highest", highest + opened)], cancellationToken);
            await session.ExecuteAsync("COMMIT", [], cancellationToken);
            context.Log($"scd2 {schema}.{table} as of {effective:yyyy-MM-dd}{(state.Next is { } later ? $" (late: {later:yyyy-MM-dd} was loaded before)" : string.Empty)}: {opened} version(s) opened, {reshaped} kept their key with new bounds or values, {removed} removed by merging");
            return opened;
        }
        catch
        {
            await session.ExecuteAsync("ROLLBACK", [], CancellationToken.None);
            throw;
        }
    }

    private NonRetryableException Refused(string reason, Scd2LoadState state, DateOnly effective) =>
        new($"task '{context.Task.Id}': scd2 into {schema}.{table} cannot merge the input for {effective:yyyy-MM-dd} exactly: {reason}. {Scd2LoadLog.RebuildAdvice(context.Pipeline.Name, $"{schema}.{table}", state, effective)}");

    private async Task<Scd2LoadState> ReadStateAsync(Scd2LoadLog log, bool created, IReadOnlyList<SqlParameterValue> parameters, CancellationToken cancellationToken)
    {
        var byTable = parameters.Where(p => p.Name == "t").ToList();
        await session.ExecuteAsync(log.Create(), [], cancellationToken);
        if (created)
        {
            await session.ExecuteAsync(log.Forget(), byTable, cancellationToken);
        }
        else if (await session.ScalarAsync<long>(log.Count(), byTable, cancellationToken) == 0)
        {
            await session.ExecuteAsync(log.Infer(), byTable, cancellationToken);
        }

        return Scd2LoadState.From((await session.QueryAsync(log.State(), parameters, cancellationToken))[0]);
    }

    private Task<long> TempAsync(string name, string select, IReadOnlyList<SqlParameterValue> parameters, CancellationToken cancellationToken) =>
        session.ExecuteAsync($"CREATE OR REPLACE TEMP TABLE {name} AS {select}", Used(select, parameters), cancellationToken);

    /// <summary>DuckDB refuses values for parameters a statement does not have.</summary>
    private static List<SqlParameterValue> Used(string sql, IEnumerable<SqlParameterValue> parameters) =>
        parameters.Where(p => sql.Contains("$" + p.Name, StringComparison.Ordinal)).ToList();

    /// <summary>Creates the table when missing; true when it did.</summary>
    private async Task<bool> EnsureTableAsync(CancellationToken cancellationToken)
    {
        var exists = await session.ScalarAsync<long>(
            "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = $s AND table_name = $t",
            [new("s", schema), new("t", table)],
            cancellationToken) > 0;
        if (exists)
        {
            return false;
        }

        var sk = SqlText.Identifier(_surrogateKey);
        await session.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS {SqlText.Identifier(schema)}", [], cancellationToken);
        await session.ExecuteAsync(
            $"CREATE TABLE {_target} AS SELECT CAST(NULL AS BIGINT) AS {sk}, *, CAST(NULL AS DATE) AS valid_from, CAST(NULL AS DATE) AS valid_to, CAST(NULL AS BOOLEAN) AS is_current FROM {Input} WHERE false",
            [],
            cancellationToken);
        if (context.Options.GetBool("unknown_member"))
        {
            // Facts whose key is not (yet) in the dimension point here instead of being dropped. Not
            // current: it is no customer, so WHERE is_current counts exactly the keys that exist today.
            await session.ExecuteAsync($"INSERT INTO {_target} ({sk}, valid_from, valid_to, is_current) VALUES (-1, DATE '1900-01-01', NULL, false)", [], cancellationToken);
        }

        return true;
    }
}
