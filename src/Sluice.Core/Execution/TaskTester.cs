using System.Globalization;
using Sluice.Artifacts;
using Sluice.Connectors;
using Sluice.Model;
using Sluice.State;
using Sluice.Templating;
using Sluice.Validation;

namespace Sluice.Execution;

/// <summary>What <c>sluice test</c> did: the task's outcome and where its outputs are.</summary>
public sealed record TaskTestResult(TaskOutcome Outcome, string OutputFolder, IReadOnlyDictionary<string, string> Outputs);

/// <summary>
/// Runs one task in place for one interval, as Airflow's <c>tasks test</c> does: its inputs are the
/// datasets published by the runs of that interval, its outputs go to a private folder, and nothing
/// is recorded (no run, no task state, no event) or published (neither to downstream tasks nor to the
/// shared artifact store). A sink still loads into its target: that is what testing it means.
/// </summary>
public sealed class TaskTester(ConnectorCatalog catalog, IMetadataStore store, string stateDirectory, IDatasetInspector? inspector = null, TimeProvider? timeProvider = null)
{
    public async Task<TaskTestResult> TestAsync(PipelineDefinition pipeline, string taskId, DateOnly logicalDate, Action<string> log, CancellationToken cancellationToken)
    {
        PipelineValidator.EnsureValid(pipeline, catalog);
        var task = pipeline.FindTask(taskId)
            ?? throw new SluiceException(Suggestions.UnknownName("task", taskId, pipeline.Tasks.Select(t => t.Id), $"in pipeline '{pipeline.Name}'"));
        var day = logicalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        var folder = Path.Combine(stateDirectory, "test", pipeline.Name, day, task.Id);
        if (Directory.Exists(folder))
        {
            Directory.Delete(folder, recursive: true);
        }

        var artifacts = RunArtifacts.ForTest(stateDirectory, pipeline.Name, logicalDate, folder);
        await CheckInputsAsync(pipeline, task, artifacts, day, cancellationToken);
        var interval = DataInterval.For(logicalDate, pipeline.Interval, pipeline.TimeZone);
        var attempt = new TaskAttempt(pipeline, 0, interval, artifacts, new SecretMasker(), catalog, inspector, timeProvider ?? TimeProvider.System, (_, _, _) => { }, store, inspector as Checks.ICheckRunner);
        var outcome = await attempt.RunAsync(task, 1, (message, level) => log(level == "info" ? message : $"{level}: {message}"), cancellationToken);
        var outputs = task.AllOutputs.Select(d => (Dataset: d, Path: artifacts.WritePath(d))).Where(o => File.Exists(o.Path)).ToDictionary(o => o.Dataset, o => o.Path, StringComparer.Ordinal);
        return new TaskTestResult(outcome, folder, outputs);
    }

    /// <summary>Every input must have been published by a run of this interval; says which run and task to look at when not.</summary>
    private async Task CheckInputsAsync(PipelineDefinition pipeline, TaskDefinition task, RunArtifacts artifacts, string day, CancellationToken cancellationToken)
    {
        var missing = task.Inputs.Where(i => !artifacts.Exists(i)).ToList();
        if (missing.Count == 0)
        {
            return;
        }

        var graph = PipelineGraph.Of(pipeline);
        var latest = await store.LatestRunAsync(pipeline.Name, DateOnly.ParseExact(day, "yyyy-MM-dd", CultureInfo.InvariantCulture), cancellationToken);
        var where = latest is null
            ? $"{pipeline.Name} has no run for {day} yet"
            : $"the last run of {pipeline.Name} for {day} (run {latest.Id}, {StateNames.Of(latest.State)}) did not publish it";
        var writers = string.Join(", ", missing.Select(m => $"'{m}' (written by task '{graph.ProducerOf(m)}')"));
        throw new SluiceException(
            $"task '{task.Id}' reads {writers}, and {where}. 'sluice test' uses the staged inputs of the interval's runs; run it first: sluice run {pipeline.Name} --date {day}.");
    }
}
