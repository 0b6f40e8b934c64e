using System.CommandLine;
using Sluice.Cli.Progress;
using Sluice.Execution;
using Sluice.Model;
using Sluice.State;

namespace Sluice.Cli.Commands;

internal static class RunCommand
{
    public static Command Create()
    {
        var pipeline = CommonOptions.Pipeline();
        var date = new Option<string?>("--date") { Description = "Logical date of the data interval, YYYY-MM-DD (default: yesterday, the last complete day)." };
        var resume = new Option<bool>("--resume") { Description = "Keep the outputs of tasks that succeeded in the previous run of this interval; run only the rest." };
        var parallel = new Option<int?>("--max-parallel") { Description = "Most tasks to run at once (default: the pipeline's max_parallel_tasks)." };
        var wait = CommonOptions.Wait();
        var queue = CommonOptions.Queue();
        var report = new Option<string?>("--report") { Description = "Also write the run's JSON report (always kept in <state>/reports/) to this file." };
        var stateDir = CommonOptions.StateDirectory();
        var (fullRefresh, cursorFrom, cursorTo) = CursorOptions.Create();
        var command = new Command("run", "Run a pipeline's DAG for one data interval.") { pipeline, date, resume, parallel, wait, queue, report, stateDir, fullRefresh, cursorFrom, cursorTo };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            var logicalDate = CommonOptions.ParseDate(parse.GetValue(date) ?? "yesterday", "--date");
            var request = new RunRequest { LogicalDate = logicalDate, Resume = parse.GetValue(resume), MaxParallelTasks = parse.GetValue(parallel), WaitForOtherRun = parse.GetValue(wait), Queued = parse.GetValue(queue), Cursors = CursorOptions.Read(parse, fullRefresh, cursorFrom, cursorTo) };
            var state = SluiceHost.StateDirectory(parse.GetValue(stateDir));
            var metadata = SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), state);
            using var telemetry = SluiceHost.StartTelemetry();
            var result = await ExecuteAsync(definition, request, state, cancellationToken, metadata: metadata);
            var alerted = await AlertDispatch.FlushAsync(definition, metadata, cancellationToken);
            if (alerted || parse.GetValue(report) is not null)
            {
                await RunReports.RefreshAsync(state, metadata, [result.Run.Id], parse.GetValue(report), cancellationToken);
            }

            return result.Succeeded ? 0 : CommandErrors.Failed;
        }));
        return command;
    }

    /// <summary>Runs one interval with the right progress view, and prints the one-line outcome.</summary>
    public static async Task<RunResult> ExecuteAsync(PipelineDefinition definition, RunRequest request, string? stateDirectory, CancellationToken cancellationToken, bool quiet = false, IMetadataStoreProvider? metadata = null)
    {
        var state = SluiceHost.StateDirectory(stateDirectory);
        var catalog = SluiceHost.Catalog();
        await using var store = await SluiceHost.OpenStoreAsync(metadata ?? SluiceHost.Metadata(null, state), cancellationToken);
        var runner = SluiceHost.Runner(catalog, store, state);
        // Several runs at once (a parallel backfill) cannot share one live view: each prints its outcome line only.
        var result = quiet
            ? await runner.RunAsync(definition, request, null, cancellationToken)
            : await RunProgress.RunAsync(definition, observer => runner.RunAsync(definition, request, observer, cancellationToken));
        var quarantined = result.RowsQuarantined > 0 ? $", {result.RowsQuarantined} row(s) quarantined" : string.Empty;
        var summary = $"run {result.Run.Id} of {definition.Name} for {request.LogicalDate:yyyy-MM-dd}";
        if (result.Succeeded)
        {
            Console.WriteLine($"{summary} succeeded: {result.Tasks.Count} tasks, {result.Tasks.Sum(t => t.RowsWritten)} rows written{quarantined}{ReusedNote(result)}.");
        }
        else
        {
            Console.Error.WriteLine($"error: {summary} failed: {result.Run.Error}");
        }

        return result;
    }

    /// <summary>Says why a resumed run wrote fewer rows: reused tasks did their writing in the earlier run.</summary>
    private static string ReusedNote(RunResult result)
    {
        var reused = result.Tasks.Count(t => t.Reused);
        if (reused == 0)
        {
            return string.Empty;
        }

        return reused == result.Tasks.Count
            ? " (every task was reused from the previous successful run of this interval; nothing needed to run again)"
            : $" ({reused} task(s) reused from the previous run; their rows are not counted again)";
    }
}
