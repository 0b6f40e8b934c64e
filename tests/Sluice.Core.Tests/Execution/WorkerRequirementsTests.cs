using Sluice.Queue;
using Sluice.Yaml;

namespace Sluice.Core.Tests.Execution;

/// <summary>Runs through workers that share no folder need a shared artifact store when tasks pass datasets.</summary>
public sealed class WorkerRequirementsTests
{
    private const string TwoTasks = """
        name: p
        tasks:
          a: { source: files, output: raw, with: { path: "in.csv" } }
          b:
            transform: sql
            input: raw
            output: doubled
            with: { sql: "SELECT 1" }
          c: { source: files, output: other, depends_on: [a], with: { path: "in.csv" } }
        """;

    [Fact]
    public void A_task_reading_another_tasks_dataset_is_refused_at_its_input_when_nothing_is_shared()
    {
        var pipeline = PipelineYamlLoader.Load(TwoTasks, "p.yaml", Path.GetTempPath());

        var error = Assert.Single(WorkerRequirements.Check(pipeline, sharedStateFolder: false));

        Assert.Equal("p.yaml:6:12", error.Location.ToString());
        Assert.StartsWith("task 'b' reads dataset 'raw' written by task 'a', but workers on other machines cannot see this machine's artifact folder. Add a shared artifact store", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_shared_state_folder_or_an_artifact_store_is_enough()
    {
        var pipeline = PipelineYamlLoader.Load(TwoTasks, "p.yaml", Path.GetTempPath());

        Assert.Empty(WorkerRequirements.Check(pipeline, sharedStateFolder: true));
        Assert.Empty(WorkerRequirements.Check(pipeline with { ArtifactStore = new("s3", "s3://b/p", pipeline.Location) }, sharedStateFolder: false));
        Assert.Empty(WorkerRequirements.Check(pipeline with { ArtifactStore = new(null, "/mnt/shared/sluice", pipeline.Location) }, sharedStateFolder: false));
    }
}
