using System.CommandLine;
using System.Globalization;
using Sluice.Execution;
using Sluice.Scheduling;
using Sluice.State;

namespace Sluice.Cli.Commands;

internal static class BackfillCommand
{
    public static Command Create()
    {
        var pipeline = CommonOptions.Pipeline();
        var from = new Option<string>("--from") { Description = "First logical date, YYYY-MM-DD.", Required = true };
        var to = new Option<string>("--to") { Description = "Last logical date, YYYY-MM-DD (inclusive).", Required = true };
        var rerunFailed = new Option<bool>("--rerun-failed") { Description = "For intervals whose latest run failed, rerun only the tasks that did not succeed (resume)." };
        var reprocessAll = new Option<bool>("--reprocess-all") { Description = "Run every interval in the range again, those that succeeded included." };
        var maxActive = new Option<int>("--max-active") { Description = "Most intervals to run at once.", DefaultValueFactory = _ => 1 };
        var dryRun = new Option<bool>("--dry-run") { Description = "List each interval with what would happen and why, and run nothing." };
        var wait = CommonOptions.Wait();
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("backfill", "Run a pipeline for every interval (daily, weekly or monthly, as the pipeline says) in a date range that has not succeeded yet, each as its own run.")
        {
            pipeline, from, to, rerunFailed, reprocessAll, maxActive, dryRun, wait, stateDir,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            var first = CommonOptions.ParseDate(parse.GetValue(from)!, "--from");
            var last = CommonOptions.ParseDate(parse.GetValue(to)!, "--to");
            if (last < first)
            {
                throw new SluiceException($"--to {last:yyyy-MM-dd} is before --from {first:yyyy-MM-dd}.");
            }

            if (parse.GetValue(rerunFailed) && parse.GetValue(reprocessAll))
            {
                throw new SluiceException("--rerun-failed and --reprocess-all cannot be combined: the second already reruns every interval.");
            }

            var mode = parse.GetValue(reprocessAll) ? BackfillMode.ReprocessAll : parse.GetValue(rerunFailed) ? BackfillMode.RerunFailed : BackfillMode.Missing;
            var state = SluiceHost.StateDirectory(parse.GetValue(stateDir));
            IReadOnlyList<BackfillStep> plan;
            await using (var store = await SluiceHost.OpenStoreAsync(state, cancellationToken))
            {
                plan = BackfillPlan.For(definition, first, last, await store.ListRunsAsync(definition.Name, first, last, cancellationToken), mode);
            }

            if (parse.GetValue(dryRun))
            {
                Console.WriteLine($"backfill of {definition.Name} from {first:yyyy-MM-dd} to {last:yyyy-MM-dd} would:");
                plan.ToList().ForEach(step => Console.WriteLine($"  {step}"));
                return 0;
            }

            var busy = plan.Where(s => !s.Run && s.Reason.Contains("in progress", StringComparison.Ordinal)).ToList();
            if (busy.Count > 0 && !parse.GetValue(wait))
            {
                throw new SluiceException($"{busy.Count} interval(s) of this backfill are being run by another process ({string.Join("; ", busy.Select(b => $"{b.LogicalDate:yyyy-MM-dd}: {b.Reason}"))}). Overlapping backfills are refused; wait for it, pass --wait, or narrow --from/--to.");
            }

            var skipped = plan.Count(s => !s.Run);
            if (skipped > 0)
            {
                Console.WriteLine($"backfill: {skipped} of {plan.Count} interval(s) skipped ({string.Join("; ", plan.Where(s => !s.Run).Take(3).Select(s => $"{s.LogicalDate:yyyy-MM-dd} {s.Reason}"))}{(skipped > 3 ? "; ..." : string.Empty)}).");
            }

            using var telemetry = SluiceHost.StartTelemetry();
            var runIds = new List<long>();
            var failed = await RunAllAsync(definition, plan.Where(s => s.Run || busy.Contains(s)).ToList(), state, parse.GetValue(maxActive), parse.GetValue(wait), runIds, cancellationToken);
            if (await AlertDispatch.FlushAsync(definition, state, cancellationToken))
            {
                await RunReports.RefreshAsync(state, runIds, null, cancellationToken);
            }

            if (failed.Count > 0)
            {
                Console.Error.WriteLine($"error: backfill finished with {failed.Count} failed interval(s): {string.Join(", ", failed.Order().Select(d => d.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)))}.");
                return CommandErrors.Failed;
            }

            return 0;
        }));
        return command;
    }

    private static async Task<List<DateOnly>> RunAllAsync(Model.PipelineDefinition definition, IReadOnlyList<BackfillStep> steps, string state, int maxActive, bool wait, List<long> runIds, CancellationToken cancellationToken)
    {
        var failed = new List<DateOnly>();
        using var slots = new SemaphoreSlim(Math.Max(1, maxActive));
        var runs = steps.Select(async step =>
        {
            await slots.WaitAsync(cancellationToken);
            try
            {
                var request = new RunRequest { LogicalDate = step.LogicalDate, Trigger = "backfill", Resume = step.Resume, WaitForOtherRun = wait };
                var result = await RunCommand.ExecuteAsync(definition, request, state, cancellationToken, quiet: maxActive > 1);
                lock (runIds)
                {
                    runIds.Add(result.Run.Id);
                }

                if (!result.Succeeded)
                {
                    lock (failed)
                    {
                        failed.Add(step.LogicalDate);
                    }
                }
            }
            catch (RunConflictException e)
            {
                Console.Error.WriteLine($"error: {e.Message}");
                lock (failed)
                {
                    failed.Add(step.LogicalDate);
                }
            }
            finally
            {
                slots.Release();
            }
        });
        await Task.WhenAll(runs);
        return failed;
    }
}
