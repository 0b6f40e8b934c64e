using System.CommandLine;

namespace Sluice.Cli.Commands;

internal static class PauseCommand
{
    /// <summary><c>sluice pause</c> and <c>sluice unpause</c>: stop or resume scheduling a pipeline; runs by hand still work.</summary>
    public static Command Create(bool pause)
    {
        var pipeline = CommonOptions.Pipeline();
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command(pause ? "pause" : "unpause", pause ? "Stop the scheduler from starting runs of a pipeline." : "Let the scheduler start runs of a paused pipeline again.") { pipeline, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            var state = SluiceHost.StateDirectory(parse.GetValue(stateDir));
            await using var store = await SluiceHost.OpenStoreAsync(SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), state), cancellationToken);
            await store.SetPausedAsync(definition.Name, pause, cancellationToken);
            Console.WriteLine(pause ? $"{definition.Name} is paused: the scheduler starts no new runs of it until 'sluice unpause {definition.Name}'." : $"{definition.Name} is scheduled again.");
            return 0;
        }));
        return command;
    }
}
