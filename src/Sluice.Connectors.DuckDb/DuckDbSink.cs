using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.DuckDb;

/// <summary>
/// <c>sink: duckdb</c>, the embedded warehouse. Every load is one transaction: a failed load leaves the
/// table exactly as it was.
/// </summary>
public sealed class DuckDbSink(DuckDbSettings? settings = null) : IConnector, ICheckableSink
{
    public string Name => "duckdb";

    public TaskKind Kind => TaskKind.Sink;

    public string Description => "Loads a dataset into a table of a DuckDB database file (the embedded warehouse).";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Text("database", "DuckDB database file, relative to the pipeline file.", required: true),
        OptionSpec.Text("table", "Target table; created from the dataset's schema when missing.", required: true),
        OptionSpec.Text("schema", "Target schema.", @default: "main"),
        OptionSpec.OneOf("mode", "append, replace, upsert (by key), delete_insert (by partition column), scd1 (overwrite in place by key) or scd2 (keep history by key).", "append", "append", "replace", "upsert", "delete_insert", "scd1", "scd2"),
        .. ScdOptions.Specs,
        OptionSpec.Text("partition_column", "delete_insert: rows of the target whose value of this column occurs in the input are replaced."),
        OptionSpec.Text("partition_value", "delete_insert: replace the rows whose partition_column equals this (templated) value instead, e.g. '{{ ds }}', so an interval whose input became empty is still cleared."),
        SchemaEvolution.Spec,
    ];

    public IEnumerable<string> Validate(TaskDefinition task) => ScdOptions.Validate(task).Concat(SchemaEvolution.Validate(task));

    /// <summary>Takes this process's turn on a warehouse file; dispose to give it back.</summary>
    internal static Task<IDisposable> WaitForWarehouseAsync(string database, TaskContext context, CancellationToken cancellationToken) =>
        WarehouseLock.WaitAsync(database, context.Log, cancellationToken);

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var database = context.ResolvePath(context.Options.GetRequiredString("database"));
        using (await WaitForWarehouseAsync(database, context, cancellationToken))
        {
            await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken, database);
            var input = context.Task.Inputs[0];
            await session.BindDatasetAsync("sluice_input", context.InputPath(input), cancellationToken);
            var load = new WarehouseLoad(session, context);
            long rows;
            try
            {
                rows = await load.RunAsync(cancellationToken);
            }
            catch (DuckDB.NET.Data.DuckDBException e) when (!cancellationToken.IsCancellationRequested)
            {
                var message = $"task '{context.Task.Id}': loading {load.TableName} failed, nothing was changed: {DuckDbErrors.FirstLine(e.Message)}";
                throw DuckDbErrors.IsPermanent(e) ? new NonRetryableException(message) : new SluiceException(message);
            }

            context.Log($"loaded {rows} row(s) into {load.TableName} ({context.Options.GetChoice("mode")})");
            return new TaskOutcome { RowsRead = rows, RowsWritten = new Dictionary<string, long> { [load.TableName] = rows } };
        }
    }

    public (string Schema, string Table) TargetOf(TaskContext context) =>
        (context.Options.GetRequiredString("schema"), context.Options.GetRequiredString("table"));

    public async Task ExportTargetAsync(TaskContext context, string path, CancellationToken cancellationToken)
    {
        var database = context.ResolvePath(context.Options.GetRequiredString("database"));
        var (schema, table) = TargetOf(context);
        using (await WaitForWarehouseAsync(database, context, cancellationToken))
        {
            await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken, database);
            await session.CopyToParquetAsync($"SELECT * FROM {SqlText.Qualified(schema, table)}", [], path, cancellationToken);
        }
    }
}
