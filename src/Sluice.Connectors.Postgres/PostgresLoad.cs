using Npgsql;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// One load of a staged dataset into a PostgreSQL table, in ONE transaction: DDL, binary COPY and
/// merge statements commit together or not at all, so a load that dies halfway (even with the
/// connection killed mid-COPY) leaves the table exactly as it was, and a rerun completes it.
/// </summary>
internal sealed class PostgresLoad(NpgsqlConnection connection, TaskContext context, TargetTable target, LoadMode mode)
{
    /// <summary>The temp table a keyed load COPYs the batch into before merging it; dropped at commit.</summary>
    internal static readonly string Stage = SqlText.Qualified("pg_temp", "sluice_stage");
    private readonly IReadOnlyList<string> _key = context.Options.GetList("key");

    public async Task<long> RunAsync(DatasetReader input, CancellationToken cancellationToken)
    {
        CheckColumnsExist(input.Columns);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (mode == LoadMode.Replace)
        {
            await target.LockForReplaceAsync(cancellationToken);
        }

        var oid = await target.FindAsync(cancellationToken);
        long rows;
        if (mode == LoadMode.Scd2)
        {
            if (oid is not null && context.Options.GetBool("close_missing"))
            {
                await EmptyInput.CheckSnapshotAsync(context, target, input, cancellationToken);
            }

            rows = await new PostgresScd2Load(connection, context, target, this).RunAsync(oid, input, cancellationToken);
        }
        else if (oid is null)
        {
            var columns = input.Columns.Select(c => PgTypes.NewColumn(c.Name, c.Type)).ToList();
            await target.CreateAsync(columns, null, cancellationToken);
            context.Log($"created table {target}");
            if (mode == LoadMode.Upsert)
            {
                await target.CreateUniqueIndexAsync(_key, cancellationToken);
                rows = await UpsertAsync(input, columns, onConflict: true, cancellationToken);
            }
            else
            {
                rows = await CopyAsync(input, target.Quoted, columns, cancellationToken);
            }
        }
        else if (mode == LoadMode.Replace)
        {
            rows = await new TableSwap(target, context).RunAsync(oid.Value, input, CopyAsync, cancellationToken);
        }
        else
        {
            var columns = await new SchemaReconciler(target, context).ReconcileAsync(oid.Value, input.Columns, cancellationToken);
            rows = mode switch
            {
                LoadMode.Upsert => await UpsertAsync(input, columns, await target.HasUniqueIndexAsync(oid.Value, _key, cancellationToken), cancellationToken),
                LoadMode.DeleteInsert => await DeleteInsertAsync(input, columns, cancellationToken),
                _ => await CopyAsync(input, target.Quoted, columns, cancellationToken),
            };
        }

        // With the metadata store in this database, the watermark this load completes commits with its rows.
        await Incremental.LoadTransactionWatermarks.CommitAsync(context, connection, transaction, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    private void CheckColumnsExist(IReadOnlyList<(string Name, string Type)> columns)
    {
        var required = mode switch
        {
            LoadMode.Upsert => _key,
            LoadMode.Scd2 => _key.Concat(context.Options.GetList("tracked")).ToList(),
            LoadMode.DeleteInsert => [context.Options.GetRequiredString("partition_column")],
            _ => [],
        };
        var missing = required.Where(k => !columns.Any(c => c.Name == k)).ToList();
        if (missing.Count > 0)
        {
            throw new NonRetryableException(
                $"task '{context.Task.Id}': the input has no column {string.Join(", ", missing.Select(m => $"'{m}'"))} (it has {string.Join(", ", columns.Select(c => c.Name))}). Fix 'key', 'tracked' or 'partition_column'.");
        }
    }

    /// <summary>Streams the staged rows into a binary COPY; the rows count only once COPY completes.</summary>
    public async Task<long> CopyAsync(DatasetReader input, string quotedTable, IReadOnlyList<PgColumn> columns, CancellationToken cancellationToken)
    {
        var list = string.Join(", ", columns.Select(c => SqlText.Identifier(c.Name)));
        if (SinkCsvCopy.CanUse(input, columns))
        {
            context.Log($"streaming the dataset as CSV into COPY {quotedTable} ... FROM STDIN (FORMAT csv)");
            return await SinkCsvCopy.LoadAsync(connection, $"COPY {quotedTable} ({list}) FROM STDIN (FORMAT csv)", input, cancellationToken);
        }

        await using var importer = await connection.BeginBinaryImportAsync($"COPY {quotedTable} ({list}) FROM STDIN (FORMAT BINARY)", cancellationToken);
        return await PipelinedCopy.RunAsync(importer, input, columns, cancellationToken);
    }

    internal async Task<long> StageAsync(DatasetReader input, IReadOnlyList<PgColumn> columns, CancellationToken cancellationToken)
    {
        var list = string.Join(", ", columns.Select(c => SqlText.Identifier(c.Name)));
        await target.ExecuteAsync($"CREATE TEMP TABLE sluice_stage ON COMMIT DROP AS SELECT {list} FROM {target.Quoted} WITH NO DATA", cancellationToken);
        return await CopyAsync(input, Stage, columns, cancellationToken);
    }

    private async Task<long> UpsertAsync(DatasetReader input, IReadOnlyList<PgColumn> columns, bool onConflict, CancellationToken cancellationToken)
    {
        var watch = System.Diagnostics.Stopwatch.StartNew();
        var rows = await StageAsync(input, columns, cancellationToken);
        var staged = watch.Elapsed;
        await new UpsertChecks(connection, context, target).EnsureUsableKeysAsync(Stage, _key, cancellationToken);
        var checkedKeys = watch.Elapsed;
        var names = columns.Select(c => SqlText.Identifier(c.Name)).ToList();
        var keys = _key.Select(SqlText.Identifier).ToList();
        var updates = columns.Where(c => !_key.Contains(c.Name)).Select(c => SqlText.Identifier(c.Name)).ToList();
        string sql;
        if (onConflict)
        {
            var action = updates.Count == 0 ? "DO NOTHING" : "DO UPDATE SET " + string.Join(", ", updates.Select(u => $"{u} = EXCLUDED.{u}"));
            sql = $"INSERT INTO {target.Quoted} ({string.Join(", ", names)}) SELECT {string.Join(", ", names)} FROM {Stage} ON CONFLICT ({string.Join(", ", keys)}) {action}";
        }
        else if (connection.PostgreSqlVersion.Major >= 15)
        {
            // No unique index on the key: MERGE matches by a join instead (keys were checked for nulls and repeats).
            var on = string.Join(" AND ", keys.Select(k => $"t.{k} = s.{k}"));
            var matched = updates.Count == 0 ? string.Empty : "WHEN MATCHED THEN UPDATE SET " + string.Join(", ", updates.Select(u => $"{u} = s.{u}")) + " ";
            sql = $"MERGE INTO {target.Quoted} AS t USING {Stage} AS s ON {on} {matched}WHEN NOT MATCHED THEN INSERT ({string.Join(", ", names)}) VALUES ({string.Join(", ", names.Select(n => "s." + n))})";
        }
        else
        {
            throw new NonRetryableException($"task '{context.Task.Id}': upsert into {target} needs a unique index on ({string.Join(", ", _key)}) on PostgreSQL {connection.PostgreSqlVersion.Major} (MERGE needs 15+). Create one.");
        }

        await target.ExecuteAsync(sql, cancellationToken);
        context.Log($"upsert into {target}: staged {rows} row(s) in {staged.TotalSeconds:0.0}s, checked keys in {(checkedKeys - staged).TotalSeconds:0.0}s, merged with {(onConflict ? "ON CONFLICT" : "MERGE")} in {(watch.Elapsed - checkedKeys).TotalSeconds:0.0}s");
        return rows;
    }

    private async Task<long> DeleteInsertAsync(DatasetReader input, IReadOnlyList<PgColumn> columns, CancellationToken cancellationToken)
    {
        var rows = await StageAsync(input, columns, cancellationToken);
        var partition = SqlText.Identifier(context.Options.GetRequiredString("partition_column"));
        var names = string.Join(", ", columns.Select(c => SqlText.Identifier(c.Name)));
        await target.ExecuteAsync($"DELETE FROM {target.Quoted} WHERE {partition} IN (SELECT {partition} FROM {Stage})", cancellationToken);
        await target.ExecuteAsync($"INSERT INTO {target.Quoted} ({names}) SELECT {names} FROM {Stage}", cancellationToken);
        return rows;
    }
}
