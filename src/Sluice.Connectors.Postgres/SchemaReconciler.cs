namespace Sluice.Connectors.Postgres;

/// <summary>
/// Matches a dataset's columns to an existing table's: new columns are added (nullable) when
/// <c>schema_evolution: add_columns</c>, otherwise the load fails with a diff; a column whose type the
/// table cannot take always fails, because converting it silently would change the data.
/// </summary>
internal sealed class SchemaReconciler(TargetTable target, TaskContext context)
{
    /// <summary>
    /// For a replace, which keeps the table: also refuses table columns the dataset lacks, since the
    /// new rows would have nothing in them (a plain load leaves the existing rows' values alone).
    /// </summary>
    public async Task<List<PgColumn>> ReconcileReplaceAsync(uint oid, IReadOnlyList<(string Name, string Type)> dataset, CancellationToken cancellationToken)
    {
        var existing = await target.ColumnsAsync(oid, cancellationToken);
        var missing = existing.Where(e => !dataset.Any(c => c.Name == e.Name)).Select(e => e.Name).ToList();
        if (missing.Count > 0)
        {
            throw new BadDataException(SchemaEvolution.MissingColumnsMessage(context, target.ToString(), missing));
        }

        return await ReconcileAsync(oid, dataset, cancellationToken);
    }

    public async Task<List<PgColumn>> ReconcileAsync(uint oid, IReadOnlyList<(string Name, string Type)> dataset, CancellationToken cancellationToken)
    {
        var existing = await target.ColumnsAsync(oid, cancellationToken);
        var added = dataset.Where(c => !existing.Any(e => e.Name == c.Name)).ToList();
        var changed = dataset
            .Select(c => (Dataset: c, Table: existing.FirstOrDefault(e => e.Name == c.Name)))
            .Where(p => p.Table is not null && !PgTypes.Accepts(p.Table, p.Dataset.Type))
            .ToList();
        if (changed.Count > 0 || (added.Count > 0 && context.Options.GetChoice("schema_evolution") != SchemaEvolution.AddColumns))
        {
            var diff = added.Select(c => $"+ {c.Name} {c.Type} (would be {PgTypes.FromDuckDb(c.Type)})")
                .Concat(changed.Select(p => $"~ {p.Dataset.Name}: table {p.Table!.Declared}, dataset {p.Dataset.Type}"));
            var caseHint = added.Where(a => existing.Any(e => string.Equals(e.Name, a.Name, StringComparison.OrdinalIgnoreCase)))
                .Select(a => $" Column names are case-sensitive: the table has '{existing.First(e => string.Equals(e.Name, a.Name, StringComparison.OrdinalIgnoreCase)).Name}', the dataset '{a.Name}'.");
            throw new BadDataException(
                $"task '{context.Task.Id}': the dataset no longer matches table {target}: {string.Join("; ", diff)}. " +
                (changed.Count > 0 ? "Cast the columns in a transform, or rebuild the table with mode: replace and schema_evolution: recreate." : "Set schema_evolution: add_columns to add them, or select only the table's columns.") +
                string.Concat(caseHint));
        }

        var columns = new List<PgColumn>();
        foreach (var (name, type) in dataset)
        {
            if (existing.FirstOrDefault(e => e.Name == name) is { } column)
            {
                columns.Add(column);
                continue;
            }

            var addition = PgTypes.NewColumn(name, type);
            await target.AddColumnAsync(addition, cancellationToken);
            context.Log($"added column {name} {addition.Declared} to {target}");
            columns.Add(addition);
        }

        return columns;
    }
}
