using Sluice.Connectors;
using Sluice.Core.Tests.Support;
using Sluice.Execution;
using Sluice.State;
using Sluice.Validation;

namespace Sluice.Core.Tests.Execution;

/// <summary>
/// A timeout the loader accepts must either be refused by validation or be honoured by the run.
/// Runs use an instant in-memory source, so no engine or file is involved beyond a temp state folder.
/// </summary>
public sealed class TaskTimeoutTests : IDisposable
{
    private readonly DirectoryInfo _state = Directory.CreateTempSubdirectory("sluice-core-tests-");
    private readonly InMemoryMetadataStore _store = new();
    private readonly ConnectorCatalog _catalog = new ConnectorCatalog().Add(new InstantSource());

    public void Dispose() => _state.Delete(recursive: true);

    private Task<RunResult> RunAsync(string timeout)
    {
        var pipeline = Pipelines.Load($"name: timed\ntasks:\n  a:\n    source: instant\n    output: a\n    timeout: {timeout}\n");
        return new PipelineRunner(_catalog, _store, _state.FullName).RunAsync(pipeline, new RunRequest { LogicalDate = new DateOnly(2024, 3, 1) });
    }

    [Fact]
    public async Task A_task_within_its_timeout_succeeds()
    {
        var result = await RunAsync("1h");

        Assert.True(result.Succeeded);
        Assert.Equal(RunState.Success, _store.FinishedState);
        Assert.Equal(TaskState.Success, Assert.Single(_store.Tasks).State);
    }

    [Fact]
    public async Task A_timeout_longer_than_a_day_is_refused_before_the_run_or_fails_only_its_task()
    {
        var exception = await Record.ExceptionAsync(() => RunAsync("2d"));

        if (exception is not null)
        {
            Assert.IsType<PipelineValidationException>(exception);
        }
        else
        {
            Assert.NotNull(_store.FinishedState);
        }
    }
}
