using System.CommandLine;
using Sluice.Execution;

namespace Sluice.Cli.Commands;

internal static class BackfillCommand
{
    public static Command Create()
    {
        var pipeline = CommonOptions.Pipeline();
        var from = new Option<string>("--from") { Description = "First logical date, YYYY-MM-DD.", Required = true };
        var to = new Option<string>("--to") { Description = "Last logical date, YYYY-MM-DD (inclusive).", Required = true };
        var wait = CommonOptions.Wait();
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("backfill", "Run a pipeline for every interval (daily, weekly or monthly, as the pipeline says) in a date range, each as its own run.") { pipeline, from, to, wait, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            var first = CommonOptions.ParseDate(parse.GetValue(from)!, "--from");
            var last = CommonOptions.ParseDate(parse.GetValue(to)!, "--to");
            if (last < first)
            {
                throw new SluiceException($"--to {last:yyyy-MM-dd} is before --from {first:yyyy-MM-dd}.");
            }

            var failed = new List<DateOnly>();
            foreach (var day in Templating.DataInterval.Dates(first, last, definition.Interval))
            {
                var result = await RunCommand.ExecuteAsync(definition, new RunRequest { LogicalDate = day, Trigger = "backfill", WaitForOtherRun = parse.GetValue(wait) }, parse.GetValue(stateDir), cancellationToken);
                if (!result.Succeeded)
                {
                    failed.Add(day);
                }
            }

            if (failed.Count > 0)
            {
                Console.Error.WriteLine($"error: backfill finished with {failed.Count} failed interval(s): {string.Join(", ", failed.Select(d => d.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture)))}.");
                return CommandErrors.Failed;
            }

            return 0;
        }));
        return command;
    }
}
