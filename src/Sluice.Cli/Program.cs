using System.CommandLine;
using Sluice.Cli;
using Sluice.Cli.Commands;

var root = new RootCommand("Sluice: data pipelines that extract, transform, load and check data per interval, and never fail silently.")
{
    ValidateCommand.Create(),
    RunCommand.Create(),
    BackfillCommand.Create(),
    RunsCommand.Create(),
    MetricsCommand.Create(),
    AlertsCommand.Create(),
    ShowCommand.Create(),
    SchemaCommand.Create(),
    SchedulerCommand.Create(),
    PauseCommand.Create(pause: true),
    PauseCommand.Create(pause: false),
    ContractCommand.Create(),
};

// Signals are handled by Interrupts, which lets a run record itself as cancelled instead of the
// process being torn down after a fixed grace period.
using var interrupts = new Interrupts();
var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interrupts.Token);
Interrupts.RestoreTerminal();
return exitCode;
