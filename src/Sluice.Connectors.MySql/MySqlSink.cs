using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.MySql;

/// <summary>
/// <c>sink: mysql</c>. Loads a staged dataset into a MySQL or MariaDB table with MySqlBulkCopy, in one
/// transaction per load; see <see cref="MySqlLoad"/> for the modes and their guarantees.
/// </summary>
public sealed class MySqlSink(DuckDbSettings? settings = null) : IConnector
{
    public string Name => "mysql";

    public TaskKind Kind => TaskKind.Sink;

    public string Description => "Loads a dataset into a MySQL or MariaDB table (bulk LOAD DATA, one transaction per load).";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.ConnectionOf("The mysql connection to load into.", "mysql"),
        OptionSpec.Text("table", "Target table; created from the dataset's schema when missing.", required: true),
        OptionSpec.Text("schema", "Database of the target table (default: the connection's database)."),
        OptionSpec.OneOf("mode", "append, replace (swap in a new table), upsert (by key, ON DUPLICATE KEY UPDATE), delete_insert (by partition column) or scd1 (overwrite in place by key).", "append", "append", "replace", "upsert", "delete_insert", "scd1"),
        ScdOptions.Specs[0],
        OptionSpec.Text("partition_column", "delete_insert: rows of the target whose value of this column occurs in the input are replaced."),
    ];

    public IEnumerable<string> Validate(TaskDefinition task) => ScdOptions.Validate(task);

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var mode = LoadModes.Parse(context.Options.GetChoice("mode"));
        await using var input = await DatasetReader.OpenAsync(context.InputPath(context.Task.Inputs[0]), settings, cancellationToken);
        var (connection, endpoint) = await MySqlConnections.OpenAsync(context, cancellationToken);
        await using var _ = connection;
        var target = new TargetTable(connection, context.Options.GetString("schema"), context.Options.GetRequiredString("table"));
        var where = $"task '{context.Task.Id}' loading {target} through {endpoint}";
        long rows;
        try
        {
            rows = await new MySqlLoad(connection, context, target, mode, where).RunAsync(input, cancellationToken);
        }
        catch (Exception e) when (MySqlErrors.IsTranslatable(e, cancellationToken))
        {
            throw MySqlErrors.Translate(e, where, context);
        }

        context.Log($"loaded {rows} row(s) into {target} ({context.Options.GetChoice("mode")})");
        return new TaskOutcome { RowsRead = rows, RowsWritten = new Dictionary<string, long> { [target.ToString()] = rows } };
    }
}
