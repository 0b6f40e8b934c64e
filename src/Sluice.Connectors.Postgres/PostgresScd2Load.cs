using Npgsql;
using NpgsqlTypes;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// <c>mode: scd2</c> on PostgreSQL, with the DuckDB warehouse's semantics and the same SQL
/// (<see cref="Scd2MergeSql"/>, docs/transforms/modelling.md): the effective date D is merged into the
/// history as if every snapshot had been loaded in date order, whatever order they arrive in, or the
/// load is refused where that cannot be exact. The batch is COPYed into the temp stage; the merge runs
/// inside the load's transaction, under the table lock <see cref="Scd2Table"/> takes.
/// </summary>
internal sealed class PostgresScd2Load(NpgsqlConnection connection, TaskContext context, TargetTable target, PostgresLoad load)
{
    private readonly IReadOnlyList<string> _key = context.Options.GetList("key");
    private readonly string _surrogateKey = context.Options.GetRequiredString("surrogate_key");
    private readonly bool _closeMissing = context.Options.GetBool("close_missing");

    public async Task<long> RunAsync(uint? oid, DatasetReader input, CancellationToken cancellationToken)
    {
        var effective = ScdOptions.EffectiveDate(context);
        var (columns, generatesKeys) = await new Scd2Table(connection, context, target, _key, _surrogateKey).PrepareAsync(oid, input.Columns, cancellationToken);
        var staged = await load.StageAsync(input, columns, cancellationToken);
        await new UpsertChecks(connection, context, target).EnsureUsableKeysAsync(PostgresLoad.Stage, _key, cancellationToken);
        // Temp tables get no statistics from autovacuum; without them a large batch gets a nested-loop plan.
        await target.ExecuteAsync($"ANALYZE {PostgresLoad.Stage}", cancellationToken);

        var kinds = columns.ToDictionary(c => c.Name, c => c.Kind);
        var merge = new Scd2MergeSql(new Scd2MergeSql.Shape(
            target.Quoted,
            PostgresLoad.Stage,
            _key,
            ScdOptions.Tracked(context, columns.Select(c => c.Name), _key),
            columns.Select(c => c.Name).ToList(),
            _surrogateKey,
            _closeMissing,
            name => "@" + name,
            // json has no equality operator; its values compare as jsonb.
            (alias, column) => $"{alias}.{SqlText.Identifier(column)}" + (kinds[column] == PgKind.Json ? "::jsonb" : string.Empty)));
        var log = new Scd2LoadLog(target.Schema, target.Quoted, _surrogateKey, name => "@" + name);
        var state = await ReadStateAsync(log, created: oid is null, effective, cancellationToken);
        if (Scd2LoadLog.Refusal(state, effective) is { } reason)
        {
            throw Refused(reason, state, effective);
        }

        foreach (var (name, select) in new[] { (Scd2MergeSql.Now, merge.SelectNow()), (Scd2MergeSql.Changes, merge.SelectChanges()) })
        {
            await ExecuteAsync($"CREATE TEMP TABLE {name} ON COMMIT DROP AS {select}", effective, state.Next, cancellationToken);
            // As for the stage: without statistics the joins that follow may get nested-loop plans.
            await target.ExecuteAsync($"ANALYZE {name}", cancellationToken);
        }

        if (!_closeMissing && await UndecidableAsync(merge.SelectUndecidable(), effective, state.Next, cancellationToken) is { Count: > 0 } keys)
        {
            throw Refused(Scd2LoadLog.Undecidable(keys, state.Next!.Value), state, effective);
        }

        await ExecuteAsync($"CREATE TEMP TABLE {Scd2MergeSql.Window} ON COMMIT DROP AS {merge.SelectWindow()}", effective, state.Next, cancellationToken);
        await ExecuteAsync($"CREATE TEMP TABLE {Scd2MergeSql.Result} ON COMMIT DROP AS {merge.SelectResult()}", effective, state.Next, cancellationToken);
        var removed = await ExecuteAsync(merge.DeleteDropped(), effective, state.Next, cancellationToken);
        var reshaped = await ExecuteAsync(merge.UpdateKept(), effective, state.Next, cancellationToken);
        var highest = Math.Max(await ScalarAsync(log.HighestKey(), cancellationToken) ?? 0, state.HighestKey ?? 0);
        long opened;
        await using (var insert = new NpgsqlCommand(merge.InsertNew(generatesKeys ? null : "@first"), connection))
        {
            // Only for a table made elsewhere without identity: the table lock keeps these keys unique.
            insert.Parameters.AddWithValue("first", highest + 1);
            opened = await insert.ExecuteNonQueryAsync(cancellationToken);
        }

        await RecordAsync(log, effective, Math.Max(highest, await ScalarAsync(log.HighestKey(), cancellationToken) ?? 0), cancellationToken);
        context.Log($"scd2 {target} as of {effective:yyyy-MM-dd}{(state.Next is { } later ? $" (late: {later:yyyy-MM-dd} was loaded before)" : string.Empty)}: {staged} row(s) staged, {opened} version(s) opened, {reshaped} kept their key with new bounds or values, {removed} removed by merging");
        return opened;
    }

    private NonRetryableException Refused(string reason, Scd2LoadState state, DateOnly effective) =>
        new($"task '{context.Task.Id}': scd2 into {target} cannot merge the input for {effective:yyyy-MM-dd} exactly: {reason}. {Scd2LoadLog.RebuildAdvice(context.Pipeline.Name, target.ToString(), state, effective)}");

    private async Task<Scd2LoadState> ReadStateAsync(Scd2LoadLog log, bool created, DateOnly effective, CancellationToken cancellationToken)
    {
        var logName = SqlText.Qualified(target.Schema, Scd2LoadLog.TableName);
        await using (var exists = new NpgsqlCommand("SELECT to_regclass(@name) IS NOT NULL", connection))
        {
            exists.Parameters.AddWithValue("name", logName);
            if (await exists.ExecuteScalarAsync(cancellationToken) is not true)
            {
                // Two first loads of different dimensions would race on CREATE TABLE IF NOT EXISTS (a unique violation in the catalog).
                await using var turn = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext(@name))", connection);
                turn.Parameters.AddWithValue("name", logName);
                await turn.ExecuteNonQueryAsync(cancellationToken);
            }
        }

        await target.ExecuteAsync(log.Create(), cancellationToken);
        if (created)
        {
            await ExecuteAsync(log.Forget(), effective, null, cancellationToken);
        }
        else if (await ScalarAsync(log.Count(), cancellationToken) == 0)
        {
            await ExecuteAsync(log.Infer(), effective, null, cancellationToken);
        }

        await using var command = Command(log.State(), effective, null);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var row = new object?[reader.FieldCount];
        reader.GetValues(row!);
        return Scd2LoadState.From(row);
    }

    private async Task RecordAsync(Scd2LoadLog log, DateOnly effective, long highest, CancellationToken cancellationToken)
    {
        await ExecuteAsync(log.Unrecord(), effective, null, cancellationToken);
        await using var command = Command(log.Record(), effective, null);
        command.Parameters.AddWithValue("highest", highest);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<List<string>> UndecidableAsync(string sql, DateOnly effective, DateOnly? next, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, effective, next);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<string>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(string.Join(", ", Enumerable.Range(0, reader.FieldCount).Select(i => Convert.ToString(reader.GetValue(i), System.Globalization.CultureInfo.InvariantCulture))));
        }

        return keys;
    }

    private async Task<int> ExecuteAsync(string sql, DateOnly effective, DateOnly? next, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, effective, next);
        return await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<long?> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = Command(sql, default, null);
        return await command.ExecuteScalarAsync(cancellationToken) is { } value and not DBNull ? Convert.ToInt64(value, System.Globalization.CultureInfo.InvariantCulture) : null;
    }

    /// <summary>Binds the parameters the shared SQL may use; Npgsql ignores the ones a statement lacks.</summary>
    private NpgsqlCommand Command(string sql, DateOnly effective, DateOnly? next)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddWithValue("d", NpgsqlDbType.Date, effective);
        command.Parameters.AddWithValue("next", NpgsqlDbType.Date, next is { } date ? date : DBNull.Value);
        command.Parameters.AddWithValue("t", NpgsqlDbType.Text, target.Table);
        return command;
    }
}
