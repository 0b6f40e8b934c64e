using Sluice.Execution;
using Sluice.Model;

namespace Sluice.Cli.Progress;

/// <summary>Chooses the live view on a terminal and plain log lines otherwise (pipes, CI, files).</summary>
internal static class RunProgress
{
    public static Task<RunResult> RunAsync(PipelineDefinition pipeline, Func<IRunObserver, Task<RunResult>> run)
    {
        var interactive = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("CI") is null && Environment.GetEnvironmentVariable("SLUICE_PLAIN") is null;
        return interactive ? new LiveProgress(pipeline).RunAsync(run) : run(new PlainProgress());
    }
}
