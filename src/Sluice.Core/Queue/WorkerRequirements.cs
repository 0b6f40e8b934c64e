using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Queue;

/// <summary>
/// What a pipeline needs before its tasks can run in other processes: tasks that pass datasets to each
/// other need a place every worker reads, either the shared state folder or an <c>artifacts:</c> store.
/// </summary>
public static class WorkerRequirements
{
    /// <summary>One error per task that reads another task's dataset, at that task, when nothing shares the datasets.</summary>
    public static IReadOnlyList<PipelineError> Check(PipelineDefinition pipeline, bool sharedStateFolder)
    {
        var errors = new List<PipelineError>();
        if (sharedStateFolder || pipeline.ArtifactStore is not null)
        {
            return errors;
        }

        var graph = PipelineGraph.Of(pipeline);
        foreach (var task in pipeline.Tasks)
        {
            var read = task.Inputs.FirstOrDefault(i => graph.ProducerOf(i) is not null);
            if (read is null)
            {
                continue;
            }

            var where = task.KeyLocations.TryGetValue("input", out var at) || task.KeyLocations.TryGetValue("inputs", out at) ? at : task.Location;
            errors.Add(new PipelineError(
                where,
                $"task '{task.Id}' reads dataset '{read}' written by task '{graph.ProducerOf(read)}', but workers on other machines cannot see this machine's artifact folder. " +
                "Add a shared artifact store to the pipeline: a folder every worker mounts at the same path (artifacts: { location: /mnt/shared/sluice-artifacts }) or a bucket (artifacts: { connection: <s3 connection>, location: \"s3://bucket/prefix\" })."));
        }

        return errors;
    }

    public static void Ensure(PipelineDefinition pipeline, bool sharedStateFolder)
    {
        if (Check(pipeline, sharedStateFolder) is { Count: > 0 } errors)
        {
            throw new PipelineValidationException(errors);
        }
    }
}
