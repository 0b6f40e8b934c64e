using Microsoft.Data.Sqlite;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Sqlite;

/// <summary>
/// One load into a SQLite table inside one IMMEDIATE transaction: a failure at any row rolls the file
/// back to exactly what it was. Replace swaps the rows and keeps the table's definition; with
/// <c>schema_evolution: recreate</c> it builds a new table and renames it over the old one.
/// </summary>
internal sealed class SqliteLoad(SqliteConnection connection, TaskContext context, string table, string mode)
{
    private readonly IReadOnlyList<string> _key = context.Options.GetList("key");

    public async Task<long> RunAsync(DatasetReader input, CancellationToken cancellationToken)
    {
        var columns = input.Columns;
        if (mode == "upsert" && _key.FirstOrDefault(k => !columns.Any(c => c.Name == k)) is { } missing)
        {
            throw new NonRetryableException($"task '{context.Task.Id}': the input has no key column '{missing}' (it has {string.Join(", ", columns.Select(c => c.Name))}).");
        }

        // IMMEDIATE: take the write lock up front, so a concurrent writer waits instead of failing halfway.
        await using var transaction = connection.BeginTransaction(deferred: false);
        var existing = await ColumnsAsync(table, cancellationToken);
        long rows;
        var recreate = mode == "replace" && context.Options.GetChoice("schema_evolution") == SchemaEvolution.Recreate;
        if (existing.Count == 0 || recreate)
        {
            var target = existing.Count == 0 ? table : "sluice_new_" + Guid.NewGuid().ToString("N");
            await ExecuteAsync($"CREATE TABLE {SqlText.Identifier(target)} ({string.Join(", ", columns.Select(c => $"{SqlText.Identifier(c.Name)} {SqliteTypes.Declared(c.Type)}"))})", cancellationToken);
            if (mode == "upsert")
            {
                await ExecuteAsync($"CREATE UNIQUE INDEX {SqlText.Identifier(table + "_sluice_key")} ON {SqlText.Identifier(target)} ({string.Join(", ", _key.Select(SqlText.Identifier))})", cancellationToken);
            }

            rows = await InsertAsync(input, target, cancellationToken);
            if (target != table)
            {
                if (rows == 0)
                {
                    var existingRows = await ScalarAsync($"SELECT count(*) FROM {SqlText.Identifier(table)}", cancellationToken);
                    EmptyLoadGuard.Check(context, existingRows, $"remove {existingRows} row(s) of table '{table}'");
                }

                await ExecuteAsync($"DROP TABLE {SqlText.Identifier(table)}", cancellationToken);
                await ExecuteAsync($"ALTER TABLE {SqlText.Identifier(target)} RENAME TO {SqlText.Identifier(table)}", cancellationToken);
            }
        }
        else if (mode == "replace")
        {
            rows = await ReplaceRowsAsync(existing, input, cancellationToken);
        }
        else
        {
            await ReconcileAsync(existing, columns, cancellationToken);
            rows = mode == "upsert" ? await UpsertAsync(input, cancellationToken) : await InsertAsync(input, table, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return rows;
    }

    private async Task<long> InsertAsync(DatasetReader input, string target, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        var names = string.Join(", ", input.Columns.Select(c => SqlText.Identifier(c.Name)));
        command.CommandText = $"INSERT INTO {(target.StartsWith("temp.", StringComparison.Ordinal) ? target : SqlText.Identifier(target))} ({names}) VALUES ({string.Join(", ", input.Columns.Select((_, i) => "@p" + i))})";
        var parameters = input.Columns.Select((_, i) => command.Parameters.Add(new SqliteParameter("@p" + i, null))).ToArray();
        command.Prepare();
        // DuckDB hands TIMESTAMPTZ over as a UTC DateTime; the stored text says so.
        var utc = input.Columns.Select(c => c.Type == "TIMESTAMP WITH TIME ZONE").ToArray();
        long rows = 0;
        var reader = input.Rows;
        while (await reader.ReadAsync(cancellationToken))
        {
            for (var i = 0; i < parameters.Length; i++)
            {
                parameters[i].Value = reader.IsDBNull(i) ? DBNull.Value
                    : utc[i] ? SqliteTypes.ToSqlite(new DateTimeOffset(DateTime.SpecifyKind(reader.GetDateTime(i), DateTimeKind.Utc)))
                    : SqliteTypes.ToSqlite(reader.GetValue(i));
            }

            rows += await command.ExecuteNonQueryAsync(cancellationToken);
        }

        return rows;
    }

    /// <summary>Rows only: the table keeps its declared types, constraints, indexes and triggers.</summary>
    private async Task<long> ReplaceRowsAsync(List<(string Name, string Type)> existing, DatasetReader input, CancellationToken cancellationToken)
    {
        var existingRows = await ScalarAsync($"SELECT count(*) FROM {SqlText.Identifier(table)}", cancellationToken);
        var missing = existing.Where(e => !input.Columns.Any(c => string.Equals(c.Name, e.Name, StringComparison.OrdinalIgnoreCase))).Select(e => e.Name).ToList();
        if (missing.Count > 0)
        {
            throw new BadDataException(SchemaEvolution.MissingColumnsMessage(context, $"'{table}'", missing));
        }

        await ReconcileAsync(existing, input.Columns, cancellationToken);
        await ExecuteAsync($"DELETE FROM {SqlText.Identifier(table)}", cancellationToken);
        var rows = await InsertAsync(input, table, cancellationToken);
        if (rows == 0)
        {
            EmptyLoadGuard.Check(context, existingRows, $"remove {existingRows} row(s) of table '{table}'");
        }

        return rows;
    }

    private async Task<long> UpsertAsync(DatasetReader input, CancellationToken cancellationToken)
    {
        var names = string.Join(", ", input.Columns.Select(c => SqlText.Identifier(c.Name)));
        await ExecuteAsync($"CREATE TEMP TABLE sluice_stage AS SELECT {names} FROM {SqlText.Identifier(table)} WHERE 0", cancellationToken);
        var rows = await InsertAsync(input, "temp.sluice_stage", cancellationToken);
        var keys = _key.Select(SqlText.Identifier).ToList();
        var duplicates = await ScalarAsync($"SELECT count(*) FROM (SELECT 1 FROM temp.sluice_stage GROUP BY {string.Join(", ", keys)} HAVING count(*) > 1)", cancellationToken);
        var nulls = await ScalarAsync($"SELECT count(*) FROM temp.sluice_stage WHERE {string.Join(" OR ", keys.Select(k => k + " IS NULL"))}", cancellationToken);
        if (duplicates > 0 || nulls > 0)
        {
            throw new BadDataException($"task '{context.Task.Id}': upsert into {table} needs one non-null row per key ({string.Join(", ", _key)}), but {duplicates} key(s) repeat and {nulls} row(s) have a null key. Deduplicate first; nothing was loaded.");
        }

        var match = string.Join(" AND ", keys.Select(k => $"s.{k} = {SqlText.Identifier(table)}.{k}"));
        await ExecuteAsync($"DELETE FROM {SqlText.Identifier(table)} WHERE EXISTS (SELECT 1 FROM temp.sluice_stage AS s WHERE {match})", cancellationToken);
        await ExecuteAsync($"INSERT INTO {SqlText.Identifier(table)} ({names}) SELECT {names} FROM temp.sluice_stage", cancellationToken);
        await ExecuteAsync("DROP TABLE temp.sluice_stage", cancellationToken);
        return rows;
    }

    private async Task ReconcileAsync(List<(string Name, string Type)> existing, IReadOnlyList<(string Name, string Type)> dataset, CancellationToken cancellationToken)
    {
        // SQLite columns take any value, so only new names matter here.
        var added = dataset.Where(c => !existing.Any(e => string.Equals(e.Name, c.Name, StringComparison.OrdinalIgnoreCase))).ToList();
        if (added.Count > 0 && context.Options.GetChoice("schema_evolution") != "add_columns")
        {
            throw new BadDataException(
                $"task '{context.Task.Id}': the dataset no longer matches table {table}: {string.Join("; ", added.Select(c => $"+ {c.Name} {c.Type}"))}. Set schema_evolution: add_columns to add them, or select only the table's columns.");
        }

        foreach (var column in added)
        {
            await ExecuteAsync($"ALTER TABLE {SqlText.Identifier(table)} ADD COLUMN {SqlText.Identifier(column.Name)} {SqliteTypes.Declared(column.Type)}", cancellationToken);
            context.Log($"added column {column.Name} to {table}");
        }
    }

    private async Task<List<(string Name, string Type)>> ColumnsAsync(string name, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = "SELECT name, type FROM pragma_table_info(@t, 'main')";
        command.Parameters.AddWithValue("@t", name);
        var columns = new List<(string, string)>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            columns.Add((reader.GetString(0), reader.GetString(1)));
        }

        return columns;
    }

    private async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<long> ScalarAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }
}
