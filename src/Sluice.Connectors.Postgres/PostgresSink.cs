using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// <c>sink: postgres</c>. Loads a staged dataset into a PostgreSQL table with binary COPY, in one
/// transaction per load; see <see cref="PostgresLoad"/> for the modes and their guarantees.
/// </summary>
public sealed class PostgresSink(DuckDbSettings? settings = null) : IConnector
{
    public string Name => "postgres";

    public TaskKind Kind => TaskKind.Sink;

    public string Description => "Loads a dataset into a PostgreSQL table (binary COPY, one transaction per load).";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.ConnectionOf("The postgres connection to load into.", "postgres"),
        OptionSpec.Text("table", "Target table; created from the dataset's schema when missing.", required: true),
        OptionSpec.Text("schema", "Target schema; created when missing.", @default: "public"),
        OptionSpec.OneOf("mode", "append, replace (swap in a new table), upsert (by key), or delete_insert (by partition column).", "append", "append", "replace", "upsert", "delete_insert"),
        new("key", OptionKind.StringList, "upsert: the key column(s)."),
        OptionSpec.Text("partition_column", "delete_insert: rows of the target whose value of this column occurs in the input are replaced."),
        OptionSpec.OneOf("schema_evolution", "What to do when the dataset has columns the table lacks.", "fail", "fail", "add_columns"),
    ];

    public IEnumerable<string> Validate(TaskDefinition task)
    {
        var mode = (task.Options.Find("mode") as ScalarOption)?.Value ?? "append";
        if (mode == "upsert" && task.Options.Find("key") is null)
        {
            yield return "mode 'upsert' needs option 'key' naming the key column(s).";
        }

        if (mode == "delete_insert" && task.Options.Find("partition_column") is null)
        {
            yield return "mode 'delete_insert' needs option 'partition_column'.";
        }
    }

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var mode = context.Options.GetChoice("mode") switch
        {
            "replace" => LoadMode.Replace,
            "upsert" => LoadMode.Upsert,
            "delete_insert" => LoadMode.DeleteInsert,
            _ => LoadMode.Append,
        };
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
            throw PostgresErrors.Translate(e, $"task '{context.Task.Id}' loading {target} through {endpoint}");
        }

        context.Log($"loaded {rows} row(s) into {target} ({mode.ToString().ToLowerInvariant()})");
        return new TaskOutcome { RowsRead = rows, RowsWritten = new Dictionary<string, long> { [target.ToString()] = rows } };
    }
}
