using System.Collections.Concurrent;
using System.Runtime.CompilerServices;
using DuckDB.NET.Data;
using Sluice.Artifacts;
using Sluice.Connectors;
using Sluice.Engine.DuckDb;
using Sluice.Model;
using Sluice.Templating;
using Sluice.Transforms.Steps;
using Sluice.Validation;

namespace Sluice.Transforms;

/// <summary>
/// Compiles a task's steps over empty copies of its declared input datasets, so `sluice validate`
/// (and every run, before its first task) reports a step naming a missing column, or join keys of
/// different types, without any data. Inputs without a declared schema are checked when the task runs.
/// </summary>
internal static class StepsDryRun
{
    // A pipeline is validated more than once per command (by the command, then by the runner before the
    // run): each task's steps compile once per pipeline object, as SqlDryRun does for SQL.
    private static readonly ConditionalWeakTable<PipelineDefinition, ConcurrentDictionary<string, PipelineError?>> Cache = new();

    public static PipelineError? Problem(TaskDefinition task, PipelineDefinition pipeline, IReadOnlyList<Step> steps, IReadOnlyList<OptionSpec> specs, DuckDbSettings? settings) =>
        Cache.GetOrCreateValue(pipeline).GetOrAdd(task.Id, _ => Compile(task, pipeline, steps, specs, settings));

    private static PipelineError? Compile(TaskDefinition task, PipelineDefinition pipeline, IReadOnlyList<Step> steps, IReadOnlyList<OptionSpec> specs, DuckDbSettings? settings)
    {
        var declared = task.Inputs.Select(pipeline.FindDataset).ToList();
        if (declared.Count == 0 || declared.Any(d => d is null || d.Columns.Count == 0))
        {
            return null;
        }

        var folder = Directory.CreateTempSubdirectory("sluice-validate-");
        try
        {
            // DuckDB.NET runs its "async" calls synchronously, so waiting here blocks for no longer than the work.
            return CompileAsync(task, pipeline, declared!, steps, specs, settings, folder.FullName).GetAwaiter().GetResult();
        }
        catch (Exception e) when (e is DuckDBException or SluiceException)
        {
            // A declared type DuckDB does not know, or a template that needs the environment: checked elsewhere, or when the task runs.
            return null;
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    private static async Task<PipelineError?> CompileAsync(TaskDefinition task, PipelineDefinition pipeline, IReadOnlyList<DatasetDefinition> inputs, IReadOnlyList<Step> steps, IReadOnlyList<OptionSpec> specs, DuckDbSettings? settings, string folder)
    {
        var interval = DataInterval.For(DateOnly.FromDateTime(DateTime.UtcNow), pipeline.Interval, "UTC");
        var artifacts = new RunArtifacts(folder, pipeline.Name, interval.LogicalDate);
        await using var session = await DuckDbSession.OpenAsync(settings, CancellationToken.None);
        foreach (var input in inputs)
        {
            var columns = string.Join(", ", input.Columns.Select(c => $"CAST(NULL AS {c.Type}) AS {SqlText.Identifier(c.Name)}"));
            await session.CopyToParquetAsync($"SELECT {columns} LIMIT 0", [], artifacts.WritePath(input.Name), CancellationToken.None);
        }

        artifacts.Publish(inputs.Select(i => i.Name));
        var templates = new TemplateRenderer(interval, pipeline.Parameters, new SecretMasker(), _ => string.Empty);
        var context = new TaskContext
        {
            Pipeline = pipeline,
            Task = task,
            Interval = interval,
            Templates = templates,
            Artifacts = artifacts,
            Options = new ConnectorOptions(task.Options, specs, templates),
            Log = _ => { },
        };
        try
        {
            await new StepCompiler(session, context) { DryRun = true }.CompileAsync(steps, CancellationToken.None);
            return null;
        }
        catch (NonRetryableException e)
        {
            // Messages start with the step's description ("step 3 (derive)"): point at that step.
            var step = steps.FirstOrDefault(s => e.Message.StartsWith(s.Describe, StringComparison.Ordinal));
            return new PipelineError(step?.Location ?? task.Options.Find("steps")?.Location ?? task.Location, e.Message);
        }
    }
}
