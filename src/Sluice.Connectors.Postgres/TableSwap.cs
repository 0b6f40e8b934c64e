using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// <c>mode: replace</c> on an existing table: the rows go into a new table made LIKE the old one (its
/// column types, NOT NULLs, checks, primary key and indexes), which then takes the old one's name, all
/// in the load's transaction. Readers keep seeing the old rows until the commit and the new ones after
/// it, never an empty table (a truncate would be visible to REPEATABLE READ readers). The table's
/// definition changes only as <c>schema_evolution</c> allows: add_columns adds, recreate rebuilds.
/// </summary>
internal sealed class TableSwap(TargetTable target, TaskContext context)
{
    public delegate Task<long> Copy(DatasetReader input, string quotedTable, IReadOnlyList<PgColumn> columns, CancellationToken cancellationToken);

    public async Task<long> RunAsync(uint oid, DatasetReader input, Copy copy, CancellationToken cancellationToken)
    {
        // 63 bytes is PostgreSQL's name limit; the table's own name may already use them all.
        var newName = "sluice_new_" + Guid.NewGuid().ToString("N");
        var quotedNew = SqlText.Qualified(target.Schema, newName);
        long rows = 0;
        if (context.Options.GetChoice("schema_evolution") == SchemaEvolution.Recreate)
        {
            var columns = input.Columns.Select(c => PgTypes.NewColumn(c.Name, c.Type)).ToList();
            await target.CreateAsync(columns, newName, cancellationToken);
            context.Log($"recreating {target} with the dataset's columns (schema_evolution: recreate): {string.Join(", ", columns.Select(c => $"{c.Name} {c.Declared}"))}");
            rows = await copy(input, quotedNew, columns, cancellationToken);
        }
        else if (await EmptyInput.IsEmptyAsync(input, cancellationToken))
        {
            // No values to convert, so the dataset's column types do not matter, only whether it may empty the table (below).
            await CreateLikeAsync(quotedNew, cancellationToken);
        }
        else
        {
            var columns = await new SchemaReconciler(target, context).ReconcileReplaceAsync(oid, input.Columns, cancellationToken);
            await CreateLikeAsync(quotedNew, cancellationToken);
            rows = await copy(input, quotedNew, columns, cancellationToken);
        }

        if (rows == 0)
        {
            await EmptyInput.CheckReplaceAsync(context, target, cancellationToken);
        }

        await target.ExecuteAsync($"DROP TABLE {target.Quoted}", cancellationToken);
        await target.ExecuteAsync($"ALTER TABLE {quotedNew} RENAME TO {SqlText.Identifier(target.Table)}", cancellationToken);
        return rows;
    }

    /// <summary>
    /// Keeps the table's constraints and indexes (an upsert key's unique index among them). Defaults and
    /// identities stay out: they may use sequences that belong to the old table, dropped with it.
    /// </summary>
    private Task CreateLikeAsync(string quotedNew, CancellationToken cancellationToken) =>
        target.ExecuteAsync(
            $"CREATE TABLE {quotedNew} (LIKE {target.Quoted} INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING COMMENTS INCLUDING STORAGE INCLUDING COMPRESSION)",
            cancellationToken);
}
