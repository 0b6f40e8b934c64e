using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// <c>sink: postgres</c>. Loads a staged dataset into a PostgreSQL table with binary COPY, in one
/// transaction per load; see <see cref="PostgresLoad"/> for the modes and their guarantees.
/// </summary>
public sealed class PostgresSink(DuckDbSettings? settings = null) : IConnector, ICheckableSink
{
    public string Name => "postgres";

    public TaskKind Kind => TaskKind.Sink;

    public string Description => "Loads a dataset into a PostgreSQL table (binary COPY, one transaction per load).";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.ConnectionOf("The postgres connection to load into.", "postgres"),
        OptionSpec.Text("table", "Target table; created from the dataset's schema when missing.", required: true),
        OptionSpec.Text("schema", "Target schema; created when missing.", @default: "public"),
        OptionSpec.OneOf("mode", "append, replace (swap in a new table), upsert (by key), delete_insert (by partition column), scd1 (overwrite in place by key) or scd2 (keep history by key).", "append", "append", "replace", "upsert", "delete_insert", "scd1", "scd2"),
        .. ScdOptions.Specs,
        OptionSpec.Text("partition_column", "delete_insert: rows of the target whose value of this column occurs in the input are replaced."),
        SchemaEvolution.Spec,
    ];

    public IEnumerable<string> Validate(TaskDefinition task) => ScdOptions.Validate(task).Concat(SchemaEvolution.Validate(task));

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var mode = LoadModes.Parse(context.Options.GetChoice("mode"));
        await using var input = await DatasetReader.OpenAsync(context.InputPath(context.Task.Inputs[0]), settings, cancellationToken);
        var (connection, endpoint) = await PostgresConnections.OpenAsync(context, cancellationToken);
        await using var _ = connection;
        var target = new TargetTable(connection, context.Options.GetRequiredString("schema"), context.Options.GetRequiredString("table"));
        long rows;
        try
        {
            rows = await new PostgresLoad(connection, context, target, mode).RunAsync(input, cancellationToken);
        }
        catch (Exception e) when (PostgresErrors.IsTranslatable(e, cancellationToken))
        {
            throw PostgresErrors.Translate(e, $"task '{context.Task.Id}' loading {target} through {endpoint}", context);
        }

        context.Log($"loaded {rows} row(s) into {target} ({context.Options.GetChoice("mode")})");
        return new TaskOutcome { RowsRead = rows, RowsWritten = new Dictionary<string, long> { [target.ToString()] = rows } };
    }

    public (string Schema, string Table) TargetOf(TaskContext context) =>
        (context.Options.GetRequiredString("schema"), context.Options.GetRequiredString("table"));

    public async Task ExportTargetAsync(TaskContext context, string path, CancellationToken cancellationToken)
    {
        var (connection, endpoint) = await PostgresConnections.OpenAsync(context, cancellationToken);
        await using var _ = connection;
        var (schema, table) = TargetOf(context);
        var where = $"task '{context.Task.Id}' reading {schema}.{table} back for its checks from {endpoint}";
        await using var command = new Npgsql.NpgsqlCommand($"SELECT * FROM {SqlText.Qualified(schema, table)}", connection);
        try
        {
            await new PostgresSource(settings).ExtractAsync(context, command, path, where, cancellationToken);
        }
        catch (Exception e) when (PostgresErrors.IsTranslatable(e, cancellationToken))
        {
            throw PostgresErrors.Translate(e, where, context);
        }
    }
}
