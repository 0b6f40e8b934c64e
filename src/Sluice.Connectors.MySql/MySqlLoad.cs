using MySqlConnector;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.MySql;

/// <summary>
/// One load of a staged dataset into a MySQL/MariaDB (InnoDB) table. The rows, and the merge of a
/// keyed or partitioned load, commit in ONE transaction, so a load that fails halfway (bad value,
/// duplicate key, connection killed mid-stream) leaves the table as it was. MySQL commits DDL at once,
/// so a table this load created is dropped again when the load fails, and replace loads a new table
/// and swaps it in with one atomic RENAME TABLE.
/// </summary>
internal sealed class MySqlLoad(MySqlConnection connection, TaskContext context, TargetTable target, LoadMode mode, string where)
{
    /// <summary>The session's temporary table a keyed or partitioned load streams into before merging.</summary>
    private const string Stage = "`sluice_stage`";
    private readonly IReadOnlyList<string> _key = mode == LoadMode.Upsert ? context.Options.GetList("key") : [];

    public async Task<long> RunAsync(DatasetReader input, CancellationToken cancellationToken)
    {
        CheckColumnsExist(input.Columns);
        var existing = await target.ColumnsAsync(cancellationToken);
        if (existing is null)
        {
            await target.CreateAsync(input.Columns, _key, null, cancellationToken);
            context.Log($"created table {target}");
            // An upsert still checks its keys (one row per key, none null) before anything is written.
            return await DropOnFailureAsync(target.Quoted, () => mode == LoadMode.Upsert
                ? UpsertAsync(input, cancellationToken)
                : InTransactionAsync(t => BulkLoad.RunAsync(connection, t, target.Quoted, input, where, cancellationToken), cancellationToken));
        }

        CheckTargetHasColumns(input.Columns, existing);
        return mode switch
        {
            LoadMode.Replace => await ReplaceAsync(input, cancellationToken),
            LoadMode.Upsert => await UpsertAsync(input, cancellationToken),
            LoadMode.DeleteInsert => await DeleteInsertAsync(input, cancellationToken),
            _ => await InTransactionAsync(t => BulkLoad.RunAsync(connection, t, target.Quoted, input, where, cancellationToken), cancellationToken),
        };
    }

    private async Task<long> InTransactionAsync(Func<MySqlTransaction, Task<long>> load, CancellationToken cancellationToken)
    {
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        target.Transaction = transaction;
        try
        {
            var rows = await load(transaction);
            await transaction.CommitAsync(cancellationToken);
            return rows;
        }
        finally
        {
            target.Transaction = null;
        }
    }

    private async Task<long> DropOnFailureAsync(string quotedTable, Func<Task<long>> load)
    {
        try
        {
            return await load();
        }
        catch
        {
            // DDL committed on its own; a table this load created must not outlive its failure. The
            // connection may be dead (that may be why the load failed): then the table stays, empty.
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await using var drop = new MySqlCommand($"DROP TABLE IF EXISTS {quotedTable}", connection);
                await drop.ExecuteNonQueryAsync(CancellationToken.None);
            }

            throw;
        }
    }

    /// <summary>Loads a copy of the table's definition, then swaps it in atomically; readers never see it half-loaded.</summary>
    private async Task<long> ReplaceAsync(DatasetReader input, CancellationToken cancellationToken)
    {
        var fresh = target.Table + "__sluice_new";
        var old = target.Table + "__sluice_old";
        var quotedFresh = MySqlText.Qualified(target.Database, fresh);
        var quotedOld = MySqlText.Qualified(target.Database, old);
        await target.ExecuteAsync($"DROP TABLE IF EXISTS {quotedFresh}, {quotedOld}", cancellationToken);
        await target.ExecuteAsync($"CREATE TABLE {quotedFresh} LIKE {target.Quoted}", cancellationToken);
        return await DropOnFailureAsync(quotedFresh, async () =>
        {
            var rows = await InTransactionAsync(t => BulkLoad.RunAsync(connection, t, quotedFresh, input, where, cancellationToken), cancellationToken);
            await target.ExecuteAsync($"RENAME TABLE {target.Quoted} TO {quotedOld}, {quotedFresh} TO {target.Quoted}", cancellationToken);
            await target.ExecuteAsync($"DROP TABLE {quotedOld}", cancellationToken);
            return rows;
        });
    }

    private async Task<long> UpsertAsync(DatasetReader input, CancellationToken cancellationToken)
    {
        if (!await target.HasUniqueKeyAsync(_key, cancellationToken))
        {
            throw new NonRetryableException(
                $"{where}: upsert matches rows with ON DUPLICATE KEY UPDATE, which needs a primary key or unique index on exactly ({string.Join(", ", _key)}); {target} has none. " +
                $"Create one: ALTER TABLE {target.Quoted} ADD UNIQUE ({MySqlText.List(_key)}).");
        }

        var names = input.Columns.Select(c => MySqlText.Identifier(c.Name)).ToList();
        var updates = input.Columns.Where(c => !_key.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).Select(c => MySqlText.Identifier(c.Name)).ToList();
        // VALUES(col) is the form both MySQL and MariaDB accept; a key-only table just ignores repeats.
        var action = updates.Count == 0
            ? $"{names[0]} = {names[0]}"
            : string.Join(", ", updates.Select(u => $"{u} = VALUES({u})"));
        return await StagedAsync(input, async rows =>
        {
            await new StageChecks(target, where).EnsureUsableKeysAsync(Stage, _key, cancellationToken);
            await target.ExecuteAsync($"INSERT INTO {target.Quoted} ({string.Join(", ", names)}) SELECT {string.Join(", ", names)} FROM {Stage} ON DUPLICATE KEY UPDATE {action}", cancellationToken);
            return rows;
        }, cancellationToken);
    }

    private Task<long> DeleteInsertAsync(DatasetReader input, CancellationToken cancellationToken)
    {
        var partition = MySqlText.Identifier(context.Options.GetRequiredString("partition_column"));
        var names = string.Join(", ", input.Columns.Select(c => MySqlText.Identifier(c.Name)));
        return StagedAsync(input, async rows =>
        {
            var deleted = await target.ExecuteAsync($"DELETE FROM {target.Quoted} WHERE {partition} IN (SELECT DISTINCT {partition} FROM {Stage})", cancellationToken);
            await target.ExecuteAsync($"INSERT INTO {target.Quoted} ({names}) SELECT {names} FROM {Stage}", cancellationToken);
            context.Log($"delete_insert into {target}: replaced {deleted} row(s) of the input's partitions");
            return rows;
        }, cancellationToken);
    }

    /// <summary>
    /// Streams the input into a session temporary table (no implicit commit, unlike other DDL), then
    /// runs the merge; both are in the load's transaction.
    /// </summary>
    private async Task<long> StagedAsync(DatasetReader input, Func<long, Task<long>> merge, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", input.Columns.Select(c => MySqlText.Identifier(c.Name)));
        await target.ExecuteAsync($"DROP TEMPORARY TABLE IF EXISTS {Stage}", cancellationToken);
        await target.ExecuteAsync($"CREATE TEMPORARY TABLE {Stage} ENGINE=InnoDB AS SELECT {names} FROM {target.Quoted} WHERE 1 = 0", cancellationToken);
        try
        {
            return await InTransactionAsync(async t => await merge(await BulkLoad.RunAsync(connection, t, Stage, input, where, cancellationToken)), cancellationToken);
        }
        finally
        {
            if (connection.State == System.Data.ConnectionState.Open)
            {
                await target.ExecuteAsync($"DROP TEMPORARY TABLE IF EXISTS {Stage}", CancellationToken.None);
            }
        }
    }

    private void CheckColumnsExist(IReadOnlyList<(string Name, string Type)> columns)
    {
        var required = mode switch
        {
            LoadMode.Upsert => _key,
            LoadMode.DeleteInsert => [context.Options.GetRequiredString("partition_column")],
            _ => [],
        };
        var missing = required.Where(k => !columns.Any(c => c.Name.Equals(k, StringComparison.OrdinalIgnoreCase))).ToList();
        if (missing.Count > 0)
        {
            throw new NonRetryableException(
                $"task '{context.Task.Id}': the input has no column {string.Join(", ", missing.Select(m => $"'{m}'"))} (it has {string.Join(", ", columns.Select(c => c.Name))}). Fix 'key' or 'partition_column'.");
        }
    }

    private void CheckTargetHasColumns(IReadOnlyList<(string Name, string Type)> columns, IReadOnlyList<string> existing)
    {
        var missing = columns.Where(c => !existing.Contains(c.Name, StringComparer.OrdinalIgnoreCase)).Select(c => c.Name).ToList();
        if (missing.Count > 0)
        {
            throw new NonRetryableException(
                $"{where}: {target} has no column {string.Join(", ", missing.Select(m => $"'{m}'"))} (it has {string.Join(", ", existing)}). " +
                "Add the column(s) to the table (ALTER TABLE ... ADD COLUMN), or leave them out of the input; nothing was loaded.");
        }
    }
}
