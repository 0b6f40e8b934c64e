using System.Globalization;
using Sluice.Connectors;
using Sluice.Model;
using Sluice.State;
using Sluice.Validation;

namespace Sluice.Sensors;

/// <summary>
/// <c>sensor: pipeline</c>: waits until another pipeline's run for an interval (by default the same
/// logical date) has succeeded, or one of its tasks has, as the run history records it. A cross-pipeline
/// dependency without merging the two DAGs.
/// </summary>
public sealed class PipelineSensor : Sensor
{
    public override string Name => "pipeline";

    public override string Description => "Waits until another pipeline's run (or one of its tasks) for an interval has succeeded.";

    protected override IReadOnlyList<OptionSpec> ConditionOptions { get; } =
    [
        OptionSpec.Text("pipeline", "The pipeline to wait for, by name.", required: true),
        OptionSpec.Text("date", "Its logical date, YYYY-MM-DD; templated.", @default: "{{ ds }}"),
        OptionSpec.Text("task", "Wait only for this task of that run to succeed, not the whole run."),
    ];

    protected override IEnumerable<PipelineError> ValidateCondition(TaskDefinition task, PipelineDefinition pipeline)
    {
        if (task.Options.Find("pipeline") is ScalarOption { Value: { } name } option
            && pipeline.ProjectPipelines is { } known
            && !known.Contains(name, StringComparer.Ordinal))
        {
            yield return new PipelineError(option.Location, "sensor 'pipeline': " + Suggestions.UnknownName("pipeline", name, known) + " Name a pipeline by its file's name (<name>.yaml).");
        }
    }

    public override async Task<SensorPoke> PokeAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var store = context.Store ?? throw new NonRetryableException($"task '{context.Task.Id}': sensor 'pipeline' needs the run history, and this host gave the task none.");
        var name = context.Options.GetRequiredString("pipeline");
        var text = context.Options.GetRequiredString("date");
        if (!DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            throw new NonRetryableException($"{context.Options.LocationOf("date")}: sensor 'pipeline': date '{text}' is not a date as YYYY-MM-DD.");
        }

        var what = $"{name} for {text}";
        var run = await store.LatestRunAsync(name, date, cancellationToken);
        if (run is null)
        {
            return SensorPoke.NotYet($"{what} has not run yet");
        }

        if (context.Options.GetString("task") is not { } taskId)
        {
            return run.State == RunState.Success
                ? SensorPoke.Yes($"run {run.Id} of {what} succeeded")
                : SensorPoke.NotYet($"the latest run of {what} (run {run.Id}) is {StateNames.Of(run.State)}");
        }

        var task = (await store.ListTasksAsync(run.Id, cancellationToken)).FirstOrDefault(t => t.TaskId == taskId);
        return task?.State == TaskState.Success
            ? SensorPoke.Yes($"task '{taskId}' of run {run.Id} of {what} succeeded")
            : SensorPoke.NotYet($"task '{taskId}' of the latest run of {what} (run {run.Id}) is {(task is null ? "not recorded" : StateNames.Of(task.State))}");
    }
}
