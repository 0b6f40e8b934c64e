using Sluice.Connectors;
using Sluice.Model;

namespace Sluice.Checks;

/// <summary>
/// The name a sink's table checks and metrics are recorded under, <c>schema.table</c>, read from the task's
/// options without running it (the schema defaults as the sink's own option does), for validation and the CLI.
/// </summary>
public static class TableCheckTargets
{
    public static IEnumerable<string> Of(PipelineDefinition pipeline, ConnectorCatalog catalog) =>
        pipeline.Tasks.Where(t => t.Checks.Count > 0 || t.Metrics.Count > 0).Select(t => NameOf(t, catalog)).OfType<string>();

    /// <summary>The table's name, or null when the task names no table.</summary>
    public static string? NameOf(TaskDefinition task, ConnectorCatalog catalog)
    {
        if ((task.Options.Find("table") as ScalarOption)?.Value is not { } table)
        {
            return null;
        }

        var schema = (task.Options.Find("schema") as ScalarOption)?.Value
            ?? catalog.Find(task.Kind, task.Connector)?.Options.FirstOrDefault(o => o.Name == "schema")?.Default;
        return schema is null ? table : $"{schema}.{table}";
    }
}
