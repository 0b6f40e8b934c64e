using Microsoft.Data.Sqlite;
using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.Sqlite;

/// <summary><c>sink: sqlite</c>. Loads a staged dataset into a table of a SQLite file, one transaction per load.</summary>
public sealed class SqliteSink(DuckDbSettings? settings = null) : IConnector
{
    public string Name => "sqlite";

    public TaskKind Kind => TaskKind.Sink;

    public string Description => "Loads a dataset into a table of a SQLite database file (one transaction per load).";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.ConnectionOf("The sqlite connection to load into.", "sqlite"),
        OptionSpec.Text("table", "Target table; created from the dataset's schema when missing.", required: true),
        OptionSpec.OneOf("mode", "append, replace (swap in a new table) or upsert (by key).", "append", "append", "replace", "upsert"),
        new("key", OptionKind.StringList, "upsert: the key column(s)."),
        SchemaEvolution.Spec,
    ];

    public IEnumerable<string> Validate(TaskDefinition task)
    {
        if ((task.Options.Find("mode") as ScalarOption)?.Value == "upsert" && task.Options.Find("key") is null)
        {
            yield return "mode 'upsert' needs option 'key' naming the key column(s).";
        }

        foreach (var error in SchemaEvolution.Validate(task))
        {
            yield return error;
        }
    }

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        await using var input = await DatasetReader.OpenAsync(context.InputPath(context.Task.Inputs[0]), settings, cancellationToken);
        var (connection, display) = await SqliteConnections.OpenAsync(context, create: true, cancellationToken);
        await using var _ = connection;
        var table = context.Options.GetRequiredString("table");
        var mode = context.Options.GetChoice("mode");
        long rows;
        try
        {
            rows = await new SqliteLoad(connection, context, table, mode).RunAsync(input, cancellationToken);
        }
        catch (SqliteException e) when (!cancellationToken.IsCancellationRequested)
        {
            throw SqliteConnections.Translate(e, $"task '{context.Task.Id}' loading table '{table}' of {display}", context);
        }

        context.Log($"loaded {rows} row(s) into {table} ({mode})");
        return new TaskOutcome { RowsRead = rows, RowsWritten = new Dictionary<string, long> { [table] = rows } };
    }
}
