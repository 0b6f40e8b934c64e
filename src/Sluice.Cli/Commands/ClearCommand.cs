using System.CommandLine;
using System.Globalization;
using Sluice.Execution;
using Sluice.Model;
using Sluice.State;

namespace Sluice.Cli.Commands;

internal static class ClearCommand
{
    /// <summary><c>sluice clear</c>: send task instances of past runs back to run again on the next run of their interval.</summary>
    public static Command Create()
    {
        var pipeline = CommonOptions.Pipeline();
        var tasks = new Option<string[]>("--task") { Description = "Task to clear (repeat for several).", Required = true, AllowMultipleArgumentsPerToken = true };
        var from = new Option<string>("--from") { Description = "First logical date, YYYY-MM-DD.", Required = true };
        var to = new Option<string?>("--to") { Description = "Last logical date, YYYY-MM-DD (inclusive; default: --from)." };
        var downstream = new Option<bool>("--downstream") { Description = "Clear every task downstream of those too, so they are rebuilt from the new outputs." };
        var yes = new Option<bool>("--yes") { Description = "Clear without asking for confirmation." };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("clear", "Mark task instances of past runs to run again on the next run of their interval (run, backfill or the scheduler).")
        {
            pipeline, tasks, from, to, downstream, yes, stateDir,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            var first = CommonOptions.ParseDate(parse.GetValue(from)!, "--from");
            var last = parse.GetValue(to) is { } end ? CommonOptions.ParseDate(end, "--to") : first;
            if (last < first)
            {
                throw new SluiceException($"--to {last:yyyy-MM-dd} is before --from {first:yyyy-MM-dd}.");
            }

            var chosen = RunClearing.Select(definition, parse.GetValue(tasks)!, parse.GetValue(downstream));
            var state = SluiceHost.StateDirectory(parse.GetValue(stateDir));
            var metadata = SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), state);
            if (!SluiceHost.HasHistory(metadata))
            {
                Console.WriteLine($"nothing to clear: no run history in {state}.");
                return 0;
            }

            await using var store = await SluiceHost.OpenStoreAsync(metadata, cancellationToken);
            var plan = await RunClearing.PlanAsync(store, definition, chosen, first, last, cancellationToken);
            if (plan.Count == 0)
            {
                Console.WriteLine($"nothing to clear: {definition.Name} has no runs from {Day(first)} to {Day(last)}.");
                return 0;
            }

            Console.WriteLine($"{(parse.GetValue(yes) ? "clearing" : "would clear")} {plan.Sum(p => p.Tasks.Count)} task instance(s) of {definition.Name} in {plan.Count} run(s):");
            foreach (var (run, cleared) in plan)
            {
                Console.WriteLine($"  {Day(run.LogicalDate)}  run {run.Id} ({StateNames.Of(run.State)})  {string.Join(", ", cleared)}");
            }

            PrintKeptDownstream(definition, chosen);
            if (!parse.GetValue(yes) && !Confirm())
            {
                Console.Error.WriteLine("error: nothing cleared. Pass --yes to clear without being asked.");
                return CommandErrors.Failed;
            }

            await RunClearing.ApplyAsync(store, plan, TimeProvider.System, cancellationToken);
            Console.WriteLine(
                $"cleared. They run again on the next run of their interval: sluice run {definition.Name} --date {Day(plan[0].Run.LogicalDate)}, "
                + $"sluice backfill {definition.Name} --from {Day(first)} --to {Day(last)} --rerun-failed, or the scheduler's next pass.");
            return 0;
        }));
        return command;
    }

    /// <summary>Says which tasks below the cleared ones keep their results, since without --downstream they are not rebuilt.</summary>
    private static void PrintKeptDownstream(PipelineDefinition definition, IReadOnlyList<string> chosen)
    {
        var below = PipelineGraph.Of(definition).Descendants(chosen).Where(t => !chosen.Contains(t)).ToList();
        if (below.Count > 0)
        {
            Console.WriteLine($"  downstream task(s) {string.Join(", ", below)} keep their results; pass --downstream to rebuild them from the new outputs too.");
        }
    }

    private static bool Confirm()
    {
        Console.Write("Clear them? [y/N] ");
        var answer = Console.ReadLine()?.Trim().ToLowerInvariant();
        return answer is "y" or "yes";
    }

    private static string Day(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
