using Sluice.Execution;

namespace Sluice.Connectors.Postgres.Tests.Infrastructure;

/// <summary>Runs pipeline.yaml of a test project and asserts how the run ended.</summary>
internal static class Runs
{
    public static async Task<RunResult> RunOkAsync(this TestProject project, string date = "2024-03-01", IRunObserver? observer = null)
    {
        var result = await project.RunAsync(date, observer);
        Assert.True(result.Succeeded, result.Run.Error);
        return result;
    }

    /// <summary>Runs a pipeline that must fail, and returns the run's error.</summary>
    public static async Task<string> RunFailsAsync(this TestProject project, string date = "2024-03-01")
    {
        var result = await project.RunAsync(date);
        Assert.False(result.Succeeded, "the run should have failed");
        return result.Run.Error!;
    }
}
