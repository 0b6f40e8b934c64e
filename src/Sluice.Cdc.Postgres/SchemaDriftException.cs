namespace Sluice.Cdc.Postgres;

/// <summary>A source table changed shape mid-stream and the pipeline's policy is to stop; the slot keeps every change meanwhile.</summary>
public sealed class SchemaDriftException(string message, string table, IReadOnlyList<string> addedColumns) : NonRetryableException(message)
{
    public string Table { get; } = table;

    public IReadOnlyList<string> AddedColumns { get; } = addedColumns;
}
