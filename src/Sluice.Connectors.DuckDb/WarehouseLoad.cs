using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.DuckDb;

/// <summary>One load of the staged input view <c>sluice_input</c> into a warehouse table.</summary>
internal sealed class WarehouseLoad(DuckDbSession session, TaskContext context)
{
    private const string Input = "sluice_input";
    private readonly string _schema = context.Options.GetRequiredString("schema");
    private readonly string _table = context.Options.GetRequiredString("table");

    public LoadMode Mode { get; } = LoadModes.Parse(context.Options.GetChoice("mode"));

    public string TableName => $"{_schema}.{_table}";

    private string Target => SqlText.Qualified(_schema, _table);

    public async Task<long> RunAsync(CancellationToken cancellationToken)
    {
        var key = context.Options.GetList("key");
        if (Mode is LoadMode.Upsert or LoadMode.Scd2)
        {
            await EnsureUniqueKeysAsync(key, cancellationToken);
        }

        if (Mode == LoadMode.Scd2)
        {
            await EnsureNoNullKeysAsync(key, cancellationToken);
            // Checked before its own transaction starts: nothing has been written yet either way.
            await new EmptyWarehouseLoad(session, context, Mode, Target, TableName).CheckAsync(Input, cancellationToken);
            return await new Scd2Load(session, context, _schema, _table, key).RunAsync(cancellationToken);
        }

        // Table rows have no order; letting DuckDB insert in parallel saves time and memory.
        await session.ExecuteAsync("SET preserve_insertion_order = false", [], cancellationToken);
        await session.ExecuteAsync("BEGIN TRANSACTION", [], cancellationToken);
        try
        {
            await session.ExecuteAsync($"CREATE SCHEMA IF NOT EXISTS {SqlText.Identifier(_schema)}", [], cancellationToken);
            var empty = await new EmptyWarehouseLoad(session, context, Mode, Target, TableName).CheckAsync(Input, cancellationToken);
            if (!await TableExistsAsync(cancellationToken))
            {
                await session.ExecuteAsync($"CREATE TABLE {Target} AS SELECT * FROM {Input}", [], cancellationToken);
            }
            else if (Mode == LoadMode.Replace && context.Options.GetChoice("schema_evolution") == SchemaEvolution.Recreate)
            {
                await session.ExecuteAsync($"CREATE OR REPLACE TABLE {Target} AS SELECT * FROM {Input}", [], cancellationToken);
                context.Log($"recreated {TableName} from the dataset's columns (schema_evolution: recreate)");
            }
            else
            {
                // An empty input has no values to fit the table's columns: it only removes what its mode removes.
                if (!empty)
                {
                    await ReconcileSchemaAsync(cancellationToken);
                }

                await DeleteReplacedRowsAsync(key, cancellationToken);
                if (!empty)
                {
                    await session.ExecuteAsync($"INSERT INTO {Target} BY NAME SELECT * FROM {Input}", [], cancellationToken);
                }
            }

            // Parquet metadata answers this without a scan; DuckDB reports no count for CREATE TABLE AS.
            var rows = await session.ScalarAsync<long>($"SELECT count(*) FROM {Input}", [], cancellationToken);

            await session.ExecuteAsync("COMMIT", [], cancellationToken);
            return rows;
        }
        catch
        {
            await session.ExecuteAsync("ROLLBACK", [], CancellationToken.None);
            throw;
        }
    }

    private async Task DeleteReplacedRowsAsync(IReadOnlyList<string> key, CancellationToken cancellationToken)
    {
        switch (Mode)
        {
            case LoadMode.Replace:
                // Rows only: the table keeps its column types, constraints and other columns.
                await session.ExecuteAsync($"DELETE FROM {Target}", [], cancellationToken);
                break;
            case LoadMode.Upsert:
                var match = string.Join(" AND ", key.Select(k => $"i.{SqlText.Identifier(k)} IS NOT DISTINCT FROM t.{SqlText.Identifier(k)}"));
                await session.ExecuteAsync($"DELETE FROM {Target} AS t WHERE EXISTS (SELECT 1 FROM {Input} AS i WHERE {match})", [], cancellationToken);
                break;
            case LoadMode.DeleteInsert:
                var column = SqlText.Identifier(context.Options.GetRequiredString("partition_column"));
                if (context.Options.GetString("partition_value") is { } value)
                {
                    await session.ExecuteAsync($"DELETE FROM {Target} WHERE CAST({column} AS VARCHAR) = $value", [new("value", value)], cancellationToken);
                }
                else
                {
                    await session.ExecuteAsync($"DELETE FROM {Target} WHERE {column} IN (SELECT DISTINCT {column} FROM {Input})", [], cancellationToken);
                }

                break;
        }
    }

    internal async Task EnsureUniqueKeysAsync(IReadOnlyList<string> key, CancellationToken cancellationToken)
    {
        var columns = string.Join(", ", key.Select(SqlText.Identifier));
        var duplicates = await session.QueryAsync($"SELECT {columns}, count(*) FROM {Input} GROUP BY ALL HAVING count(*) > 1 LIMIT 3", [], cancellationToken);
        if (duplicates.Count > 0)
        {
            var examples = string.Join("; ", duplicates.Select(d => string.Join(", ", d.Take(key.Count)) + $" ({d[^1]} rows)"));
            throw new BadDataException($"task '{context.Task.Id}': {context.Options.GetChoice("mode")} into {TableName} needs one row per key ({string.Join(", ", key)}), but the input repeats keys: {examples}. Deduplicate first; nothing was loaded.");
        }
    }

    /// <summary>A null natural key never equals its earlier version, so every load would add one more.</summary>
    private async Task EnsureNoNullKeysAsync(IReadOnlyList<string> key, CancellationToken cancellationToken)
    {
        var anyNull = string.Join(" OR ", key.Select(k => $"{SqlText.Identifier(k)} IS NULL"));
        var rows = await session.ScalarAsync<long>($"SELECT count(*) FROM {Input} WHERE {anyNull}", [], cancellationToken);
        if (rows > 0)
        {
            throw new BadDataException($"task '{context.Task.Id}': scd2 into {TableName}: {rows} row(s) have a null natural key ({string.Join(", ", key)}), which can never match its earlier version. Filter or fill them first (steps drop_null or fill_null); nothing was loaded.");
        }
    }

    internal async Task<bool> TableExistsAsync(CancellationToken cancellationToken) =>
        await session.ScalarAsync<long>(
            "SELECT count(*) FROM information_schema.tables WHERE table_catalog = current_database() AND table_schema = $s AND table_name = $t",
            [new("s", _schema), new("t", _table)],
            cancellationToken) > 0;

    private async Task ReconcileSchemaAsync(CancellationToken cancellationToken)
    {
        var incoming = await session.DescribeAsync($"SELECT * FROM {Input}", [], cancellationToken);
        var existing = (await session.QueryAsync(
                "SELECT column_name, data_type FROM information_schema.columns WHERE table_catalog = current_database() AND table_schema = $s AND table_name = $t",
                [new("s", _schema), new("t", _table)],
                cancellationToken))
            .ToDictionary(r => (string)r[0]!, r => (string)r[1]!, StringComparer.OrdinalIgnoreCase);
        var missing = existing.Keys.Where(name => !incoming.Any(c => string.Equals(c.Name, name, StringComparison.OrdinalIgnoreCase))).ToList();
        if (Mode == LoadMode.Replace && missing.Count > 0)
        {
            throw new BadDataException(SchemaEvolution.MissingColumnsMessage(context, TableName, missing));
        }

        var added = incoming.Where(c => !existing.ContainsKey(c.Name)).ToList();
        var changed = incoming.Where(c => existing.TryGetValue(c.Name, out var type) && !Compatible(type, c.Type)).ToList();
        if (changed.Count > 0 || (added.Count > 0 && context.Options.GetChoice("schema_evolution") != SchemaEvolution.AddColumns))
        {
            var diff = added.Select(c => $"+ {c.Name} {c.Type}").Concat(changed.Select(c => $"~ {c.Name}: table {existing[c.Name]}, dataset {c.Type}"));
            throw new BadDataException(
                $"task '{context.Task.Id}': the dataset no longer matches table {TableName}: {string.Join("; ", diff)}. " +
                (changed.Count > 0 ? "Cast the columns back, or rebuild the table with mode: replace and schema_evolution: recreate." : "Set schema_evolution: add_columns to add them, or select only the table's columns."));
        }

        foreach (var column in added)
        {
            await session.ExecuteAsync($"ALTER TABLE {Target} ADD COLUMN {SqlText.Identifier(column.Name)} {column.Type}", [], cancellationToken);
            context.Log($"added column {column.Name} {column.Type} to {TableName}");
        }
    }

    private static bool Compatible(string tableType, string datasetType) =>
        string.Equals(tableType, datasetType, StringComparison.OrdinalIgnoreCase)
        || (tableType.StartsWith("DECIMAL", StringComparison.OrdinalIgnoreCase) && datasetType.StartsWith("DECIMAL", StringComparison.OrdinalIgnoreCase))
        || (IsInteger(tableType) && IsInteger(datasetType));

    private static bool IsInteger(string type) => type.ToUpperInvariant() is "TINYINT" or "SMALLINT" or "INTEGER" or "BIGINT" or "HUGEINT";
}
