using System.CommandLine;
using Sluice.Cli;
using Sluice.Cli.Commands;

var root = new RootCommand("Sluice: data pipelines that extract, transform, load and check data per interval, and never fail silently.")
{
    ValidateCommand.Create(),
    RunCommand.Create(),
    BackfillCommand.Create(),
    ClearCommand.Create(),
    TestCommand.Create(),
    RunsCommand.Create(),
    MetricsCommand.Create(),
    AlertsCommand.Create(),
    ChecksCommand.Create(),
    ShowCommand.Create(),
    SchemaCommand.Create(),
    SchedulerCommand.Create(),
    WorkerCommand.Create(),
    PauseCommand.Create(pause: true),
    PauseCommand.Create(pause: false),
    ContractCommand.Create(),
    CdcCommand.Create(),
    StateCommand.Create(),
};
root.Options.Add(CommonOptions.Metadata);

// Signals are handled by Interrupts, which lets a run record itself as cancelled instead of the
// process being torn down after a fixed grace period.
using var interrupts = new Interrupts();
var exitCode = await root.Parse(args).InvokeAsync(new InvocationConfiguration { ProcessTerminationTimeout = null }, interrupts.Token);
Interrupts.RestoreTerminal();
return exitCode;
