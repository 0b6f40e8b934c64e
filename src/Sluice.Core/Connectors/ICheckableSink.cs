namespace Sluice.Connectors;

/// <summary>
/// A sink whose target table can be read back once its load has committed, so <c>checks:</c> and
/// <c>metrics:</c> declared on the sink task audit the warehouse table itself (every row of it, not only
/// the interval's). The checks run over a Parquet copy with the same DuckDB runner as dataset checks.
/// </summary>
public interface ICheckableSink
{
    /// <summary>The table as checks, events and <c>sluice checks</c> name it: <c>schema.table</c>.</summary>
    (string Schema, string Table) TargetOf(TaskContext context);

    /// <summary>Writes the target table's current rows to a Parquet file at <paramref name="path"/>, in bounded memory.</summary>
    Task ExportTargetAsync(TaskContext context, string path, CancellationToken cancellationToken);
}
