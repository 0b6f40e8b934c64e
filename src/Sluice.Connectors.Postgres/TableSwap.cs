using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// <c>mode: replace</c> on an existing table: the rows go into a new table, which then takes the old
/// one's name, all in the load's transaction. Readers keep seeing the old rows until the commit and
/// the new ones after it, never an empty table (a truncate would be visible to REPEATABLE READ readers).
/// </summary>
internal sealed class TableSwap(TargetTable target, TaskContext context)
{
    public delegate Task<long> Copy(DatasetReader input, string quotedTable, IReadOnlyList<PgColumn> columns, CancellationToken cancellationToken);

    public async Task<long> RunAsync(uint oid, DatasetReader input, Copy copy, CancellationToken cancellationToken)
    {
        // 63 bytes is PostgreSQL's name limit; the table's own name may already use them all.
        var newName = "sluice_new_" + Guid.NewGuid().ToString("N");
        var quotedNew = SqlText.Qualified(target.Schema, newName);
        var existing = await target.ColumnsAsync(oid, cancellationToken);
        List<PgColumn> columns;
        if (SameShape(existing, input.Columns))
        {
            // Same columns: keep the table's constraints and indexes (an upsert key's unique index among them).
            // Defaults and identities stay out: they may use sequences that belong to the old table.
            await target.ExecuteAsync(
                $"CREATE TABLE {quotedNew} (LIKE {target.Quoted} INCLUDING CONSTRAINTS INCLUDING INDEXES INCLUDING COMMENTS INCLUDING STORAGE INCLUDING COMPRESSION)",
                cancellationToken);
            columns = input.Columns.Select(c => existing.First(e => e.Name == c.Name)).ToList();
        }
        else
        {
            columns = input.Columns.Select(c => PgTypes.NewColumn(c.Name, c.Type)).ToList();
            await target.CreateAsync(columns, newName, cancellationToken);
            context.Log($"replacing {target} with the dataset's columns: {string.Join(", ", columns.Select(c => $"{c.Name} {c.Declared}"))}");
        }

        var rows = await copy(input, quotedNew, columns, cancellationToken);
        await target.ExecuteAsync($"DROP TABLE {target.Quoted}", cancellationToken);
        await target.ExecuteAsync($"ALTER TABLE {quotedNew} RENAME TO {SqlText.Identifier(target.Table)}", cancellationToken);
        return rows;
    }

    private static bool SameShape(List<PgColumn> existing, IReadOnlyList<(string Name, string Type)> dataset) =>
        existing.Count == dataset.Count
        && dataset.All(c => existing.FirstOrDefault(e => e.Name == c.Name) is { } column && PgTypes.Accepts(column, c.Type));
}
