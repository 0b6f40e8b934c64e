using System.CommandLine;
using Sluice.Cli.Commands;

var root = new RootCommand("Sluice: data pipelines that extract, transform, load and check data per interval, and never fail silently.")
{
    ValidateCommand.Create(),
    RunCommand.Create(),
    BackfillCommand.Create(),
    RunsCommand.Create(),
    ShowCommand.Create(),
    SchemaCommand.Create(),
};
return await root.Parse(args).InvokeAsync();
