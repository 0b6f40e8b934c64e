using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.Connectors.DuckDb;

/// <summary>
/// <c>source: duckdb</c>: a query or table of a DuckDB database file, such as the warehouse's
/// dimensions, staged for downstream tasks (surrogate-key lookups, reconciliations).
/// </summary>
public sealed class DuckDbSource(DuckDbSettings? settings = null) : IConnector
{
    public string Name => "duckdb";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Reads a table or query of a DuckDB database file.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Text("database", "DuckDB database file, relative to the pipeline file.", required: true),
        OptionSpec.Text("table", "A table to read whole."),
        OptionSpec.Text("schema", "Schema of the table.", @default: "main"),
        new("query", OptionKind.Sql, "A SELECT; template values are bound as parameters."),
        new("allow_missing", OptionKind.Boolean, "An absent database or table yields an empty dataset with the columns of 'empty_columns'.") { Default = "false" },
        new("empty_columns", OptionKind.StringMap, "Columns and types of the empty dataset written when allow_missing applies."),
    ];

    public IEnumerable<string> Validate(TaskDefinition task)
    {
        if ((task.Options.Find("table") is null) == (task.Options.Find("query") is null))
        {
            yield return "source 'duckdb' needs exactly one of the options 'table' or 'query'.";
        }
    }

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var database = context.ResolvePath(context.Options.GetRequiredString("database"));
        var output = context.Task.Outputs[0];
        var query = context.Options.Has("query")
            ? context.Options.GetSql("query", DuckDbSession.Placeholder)
            : new Templating.SqlTemplate($"SELECT * FROM {SqlText.Qualified(context.Options.GetRequiredString("schema"), context.Options.GetRequiredString("table"))}", []);
        using var turn = await DuckDbSink.WaitForWarehouseAsync(database, context, cancellationToken);
        if (!File.Exists(database) || !await ExistsAsync(context, database, cancellationToken))
        {
            return await WriteEmptyAsync(context, database, output, cancellationToken);
        }

        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken, database);
        try
        {
            var rows = await session.CopyToParquetAsync(query.Sql, query.Parameters, context.OutputPath(output), cancellationToken);
            return new TaskOutcome { RowsWritten = new Dictionary<string, long> { [output] = rows } };
        }
        catch (DuckDB.NET.Data.DuckDBException e) when (!cancellationToken.IsCancellationRequested)
        {
            var message = $"task '{context.Task.Id}': reading {database} failed: {DuckDbErrors.FirstLine(e.Message)}";
            throw DuckDbErrors.IsPermanent(e) ? new NonRetryableException(message) : new SluiceException(message);
        }
    }

    private async Task<bool> ExistsAsync(TaskContext context, string database, CancellationToken cancellationToken)
    {
        if (!context.Options.Has("table"))
        {
            return true;
        }

        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken, database);
        return await session.ScalarAsync<long>(
            "SELECT count(*) FROM information_schema.tables WHERE table_schema = $s AND table_name = $t",
            [new("s", context.Options.GetRequiredString("schema")), new("t", context.Options.GetRequiredString("table"))],
            cancellationToken) > 0;
    }

    private async Task<TaskOutcome> WriteEmptyAsync(TaskContext context, string database, string output, CancellationToken cancellationToken)
    {
        var columns = context.Options.GetMap("empty_columns");
        if (!context.Options.GetBool("allow_missing") || columns.Count == 0)
        {
            throw new SluiceException($"task '{context.Task.Id}': {database} has no table '{context.Options.GetString("table")}'. Load it first, or set allow_missing: true with empty_columns.");
        }

        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
        var select = string.Join(", ", columns.Select(c => $"CAST(NULL AS {c.Value}) AS {SqlText.Identifier(c.Key)}"));
        await session.CopyToParquetAsync($"SELECT {select} WHERE false", [], context.OutputPath(output), cancellationToken);
        context.Log($"{database} has no table '{context.Options.GetString("table")}' yet; wrote an empty dataset");
        return new TaskOutcome { RowsWritten = new Dictionary<string, long> { [output] = 0 } };
    }
}
