using Sluice.Artifacts;
using Sluice.Connectors;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Cdc.Postgres;

/// <summary>
/// The <c>postgres_cdc</c> tasks of a pipeline, with their options resolved as a run would resolve
/// them (connections, ${VAR} secrets), for the <c>sluice cdc</c> commands that act outside a run.
/// </summary>
internal static class CdcTasks
{
    public static IReadOnlyList<TaskDefinition> Of(PipelineDefinition pipeline, string? taskId)
    {
        var tasks = pipeline.Tasks.Where(t => t.Kind == TaskKind.Source && t.Connector == "postgres_cdc").ToList();
        if (tasks.Count == 0)
        {
            throw new SluiceException($"pipeline '{pipeline.Name}' has no task with 'source: postgres_cdc'; add one (see docs/cdc.md).");
        }

        if (taskId is null)
        {
            return tasks;
        }

        return tasks.Where(t => t.Id == taskId).ToList() is { Count: > 0 } chosen
            ? chosen
            : throw new SluiceException($"pipeline '{pipeline.Name}' has no postgres_cdc task '{taskId}'; its CDC tasks are {string.Join(", ", tasks.Select(t => t.Id))}.");
    }

    /// <summary>The task's settings; <paramref name="scratch"/> is a folder the caller removes (a context needs an artifact root).</summary>
    public static CdcSettings Settings(PipelineDefinition pipeline, TaskDefinition task, ConnectorCatalog catalog, string scratch, SecretMasker secrets)
    {
        var connector = catalog.Find(task.Kind, task.Connector)!;
        var interval = DataInterval.For(DateOnly.FromDateTime(DateTime.UtcNow), pipeline.Interval, "UTC");
        var templates = new TemplateRenderer(interval, pipeline.Parameters, secrets, SecretsFile.Lookup(pipeline.SecretsFile), null, SecretsFile.IsSecret(pipeline.SecretsFile));
        var context = new TaskContext
        {
            Pipeline = pipeline,
            Task = task,
            Interval = interval,
            Templates = templates,
            Artifacts = new RunArtifacts(scratch, pipeline.Name, interval.LogicalDate),
            Options = new ConnectorOptions(task.Options, connector.Options, templates),
            Log = _ => { },
            Catalog = catalog,
        };
        return CdcSettings.From(context);
    }
}
