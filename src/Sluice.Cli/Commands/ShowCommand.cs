using System.CommandLine;
using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Cli.Commands;

internal static class ShowCommand
{
    public static Command Create()
    {
        var pipeline = CommonOptions.Pipeline();
        var command = new Command("show", "Print a pipeline's DAG as text: tasks in run order, their datasets and options.") { pipeline };
        command.SetAction((parse, _) => CommandErrors.GuardAsync(() =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            PipelineValidator.EnsureValid(definition, SluiceHost.Catalog());
            Console.Write(PipelineDescriber.Describe(definition));
            return Task.FromResult(0);
        }));
        return command;
    }
}
