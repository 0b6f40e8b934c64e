using Sluice.Connectors;
using Sluice.Engine.DuckDb;
using Sluice.Model;
using Sluice.Templating;
using Sluice.Validation;

namespace Sluice.Transforms.Models;

/// <summary>
/// <c>transform: models</c>. A folder of <c>.sql</c> models that ref each other, built in dependency
/// order into the DuckDB warehouse as views, tables or incremental tables, all in one transaction:
/// a failing model leaves every model as it was before the task.
/// </summary>
public sealed class ModelsTransform(DuckDbSettings? settings = null) : IConnector
{
    public string Name => "models";

    public TaskKind Kind => TaskKind.Transform;

    public string Description => "SQL models: a folder of .sql files that ref each other, built in dependency order in the DuckDB warehouse as views, tables or incremental tables, in one transaction.";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        OptionSpec.Text("path", "Folder of .sql models (subfolders included), relative to the pipeline file. A model's name is its file name.", required: true),
        OptionSpec.Text("database", "DuckDB warehouse file the models are built in, relative to the pipeline file.", required: true),
        OptionSpec.Text("schema", "Schema of the models; a model may choose another with '-- schema: name'.", @default: "main"),
        new("select", OptionKind.StringList, "Build only these models and every model they ref, directly or not. Default: all models."),
        OptionSpec.Text("sources_schema", "Schema the task's input datasets are copied into for {{ source('name') }}, replaced on each run.", @default: "_sluice_sources"),
        new("full_refresh", OptionKind.Boolean, "Rebuild incremental models from scratch instead of adding to them.") { Default = "false" },
        OptionSpec.Text("manifest", "An output dataset that receives one row per model built: build_order, model, relation, materialized, file, rows_inserted, rows_deleted, table_rows."),
    ];

    public IEnumerable<PipelineError> ValidateLocated(TaskDefinition task, PipelineDefinition pipeline)
    {
        if (task.Options.Find("path") is not ScalarOption { Value: { } path } option || path.Contains("{{", StringComparison.Ordinal) || path.Contains("${", StringComparison.Ordinal))
        {
            // A templated folder is known only at run time, where the same checks run.
            return [];
        }

        var folder = Path.GetFullPath(Path.IsPathRooted(path) ? path : Path.Combine(pipeline.BaseDirectory, path));
        var project = ModelProject.Load(folder, option.Location, task.Inputs, KnownVariables(pipeline));
        var errors = project.Errors.ToList();
        if (project.Models.Count > 0)
        {
            errors.AddRange(CheckTask(task, project));
        }

        return errors;
    }

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var folder = context.ResolvePath(context.Options.GetRequiredString("path"));
        var project = ModelProject.Load(folder, context.Options.LocationOf("path"), context.Task.Inputs, KnownVariables(context.Pipeline));
        var errors = project.Errors.Concat(project.Models.Count > 0 ? CheckTask(context.Task, project) : []).ToList();
        if (errors.Count > 0)
        {
            // The files changed since validation, or the folder is templated.
            throw new PipelineValidationException(errors.Select(e => e with { Message = $"task '{context.Task.Id}': {e.Message}" }).ToList());
        }

        var select = context.Options.GetList("select");
        var selection = select.Count == 0 ? null : select.Concat(context.Task.Outputs.Where(o => project.Find(o) is not null)).ToList();
        var order = project.BuildOrder(selection);
        var database = context.ResolvePath(context.Options.GetRequiredString("database"));
        using (await WarehouseLock.WaitAsync(database, context.Log, cancellationToken))
        {
            await using var session = await DuckDbSession.OpenAsync(settings, cancellationToken, database);
            var build = new ModelBuild(session, context, project, settings);
            return await build.RunAsync(order, cancellationToken);
        }
    }

    /// <summary>Checks of the task's own options and outputs against the models found.</summary>
    private static IEnumerable<PipelineError> CheckTask(TaskDefinition task, ModelProject project)
    {
        if (task.Options.Find("select") is { } select)
        {
            var items = select is ListOption list ? list.Items.OfType<ScalarOption>() : select is ScalarOption single ? [single] : [];
            foreach (var item in items.Where(i => i.Value is not null && project.Find(i.Value) is null))
            {
                yield return new(item.Location, "select names " + Suggestions.UnknownName("model", item.Value!, project.Names));
            }
        }

        var manifest = (task.Options.Find("manifest") as ScalarOption)?.Value;
        foreach (var output in task.Outputs.Where(o => project.Find(o) is null && o != manifest))
        {
            yield return new(task.LocationOf("output", "outputs"),
                $"output '{output}' is not a model. Each output of transform 'models' names a model whose rows are staged as that dataset after the build, or the dataset given as 'manifest'. "
                + Suggestions.UnknownName("model", output, project.Names));
        }

        if (manifest is not null && !task.Outputs.Contains(manifest))
        {
            yield return new(task.Options.Find("manifest")!.Location, $"manifest '{manifest}' must also be listed under 'output'.");
        }

        if (manifest is not null && project.Find(manifest) is not null)
        {
            yield return new(task.Options.Find("manifest")!.Location, $"manifest '{manifest}' is also the name of a model; choose another dataset name.");
        }

        var schema = (task.Options.Find("schema") as ScalarOption)?.Value ?? "main";
        var sources = (task.Options.Find("sources_schema") as ScalarOption)?.Value ?? "_sluice_sources";
        if (string.Equals(schema, sources, StringComparison.OrdinalIgnoreCase) || project.Models.Any(m => string.Equals(m.Config.Schema, sources, StringComparison.OrdinalIgnoreCase)))
        {
            yield return new(task.Options.Find("sources_schema")?.Location ?? task.Options.Find("schema")?.Location ?? task.Location,
                $"sources_schema '{sources}' is also a schema of models; input copies would replace models of the same name. Use a separate schema.");
        }
    }

    private static HashSet<string> KnownVariables(PipelineDefinition pipeline)
    {
        var known = new HashSet<string>(TemplateRenderer.BuiltInVariables.Where(v => !v.Contains('<', StringComparison.Ordinal)), StringComparer.Ordinal);
        known.UnionWith(pipeline.Parameters.Keys.Select(k => "params." + k));
        return known;
    }
}
