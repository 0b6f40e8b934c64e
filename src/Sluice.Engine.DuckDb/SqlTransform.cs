using Sluice.Connectors;
using Sluice.Model;

namespace Sluice.Engine.DuckDb;

/// <summary>
/// <c>transform: sql</c>. A SELECT over the input datasets, which appear as views named after them.
/// Template expressions in the SQL are bound as parameters.
/// </summary>
public sealed class SqlTransform(DuckDbSettings? settings = null) : IConnector, IFusingConsumer
{
    public string Name => "sql";

    public TaskKind Kind => TaskKind.Transform;

    public string Description => "A DuckDB SELECT over the input datasets, written to the output dataset.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("sql", OptionKind.Sql, "The SELECT statement; input datasets are tables named after them.") { },
        OptionSpec.Text("sql_file", "A .sql file holding the SELECT, relative to the pipeline file."),
    ];

    public IEnumerable<string> Validate(TaskDefinition task)
    {
        var hasSql = task.Options.Find("sql") is not null;
        var hasFile = task.Options.Find("sql_file") is not null;
        if (hasSql == hasFile)
        {
            yield return "transform 'sql' needs exactly one of the options 'sql' or 'sql_file'.";
        }

        if (task.Outputs.Count != 1)
        {
            yield return "transform 'sql' writes exactly one output dataset.";
        }
    }

    public IEnumerable<Validation.PipelineError> ValidateLocated(TaskDefinition task, PipelineDefinition pipeline)
    {
        if (task.Options.Find("sql_file") is ScalarOption { Value: { } file } option && !file.Contains("{{", StringComparison.Ordinal)
            && !File.Exists(Path.IsPathRooted(file) ? file : Path.Combine(pipeline.BaseDirectory, file)))
        {
            yield return new Validation.PipelineError(option.Location, $"sql_file '{file}' does not exist (paths are relative to the pipeline file's folder).");
        }
        else if (SqlDryRun.Problem(task, pipeline, settings) is { } problem)
        {
            yield return problem;
        }
    }

    /// <summary>SQL has no row order but the one its ORDER BY makes, so any input can be read in place.</summary>
    public bool CanReadFused(TaskDefinition consumer, string dataset, PipelineDefinition pipeline) => true;

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken);
        var fused = new List<FusedRelation>();
        try
        {
            foreach (var input in context.Task.Inputs)
            {
                if (await FusedRelation.BindAsync(session, context, input, input, cancellationToken) is { } relation)
                {
                    fused.Add(relation);
                }
            }

            var outcome = await RunAsync(session, context, cancellationToken);
            foreach (var relation in fused)
            {
                await relation.CompleteAsync(cancellationToken);
            }

            return outcome;
        }
        finally
        {
            fused.ForEach(f => f.Dispose());
        }
    }

    private static async Task<TaskOutcome> RunAsync(DuckDbSession session, TaskContext context, CancellationToken cancellationToken)
    {

        var query = context.Options.Has("sql_file")
            ? context.Templates.RenderSql(await File.ReadAllTextAsync(context.ResolvePath(context.Options.GetRequiredString("sql_file")), cancellationToken), context.Options.LocationOf("sql_file"), DuckDbSession.Placeholder)
            : context.Options.GetSql("sql", DuckDbSession.Placeholder);
        var output = context.Task.Outputs[0];
        long rows;
        try
        {
            rows = await session.CopyToParquetAsync(query.Sql.Trim().TrimEnd(';'), query.Parameters, context.OutputPath(output), cancellationToken);
        }
        catch (DuckDB.NET.Data.DuckDBException e) when (!cancellationToken.IsCancellationRequested)
        {
            var message = $"{context.Options.LocationOf(context.Options.Has("sql") ? "sql" : "sql_file")}: the SQL of task '{context.Task.Id}' failed: {DuckDbErrors.FirstLine(e.Message)}";
            throw DuckDbErrors.IsPermanent(e) ? new NonRetryableException(message) : new SluiceException(message);
        }

        return new TaskOutcome { RowsWritten = new Dictionary<string, long> { [output] = rows } };
    }
}
