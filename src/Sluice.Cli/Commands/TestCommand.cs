using System.CommandLine;
using Sluice.Engine.DuckDb;
using Sluice.Execution;

namespace Sluice.Cli.Commands;

internal static class TestCommand
{
    /// <summary><c>sluice test</c>: run one task for one interval without recording or publishing anything.</summary>
    public static Command Create()
    {
        var pipeline = CommonOptions.Pipeline();
        var task = new Argument<string>("task") { Description = "The task to run." };
        var date = new Option<string>("--date") { Description = "Logical date of the interval, YYYY-MM-DD (its inputs are those its runs staged).", Required = true };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("test", "Run one task in place for an interval from the inputs its last run staged, recording nothing in the run history and publishing nothing.")
        {
            pipeline, task, date, stateDir,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            var logicalDate = CommonOptions.ParseDate(parse.GetValue(date)!, "--date");
            var state = SluiceHost.StateDirectory(parse.GetValue(stateDir));
            var catalog = SluiceHost.Catalog();
            await using var store = await SluiceHost.OpenStoreAsync(SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), state), cancellationToken);
            var tester = new TaskTester(catalog, store, state, new DuckDbDatasetInspector());
            var taskId = parse.GetValue(task)!;
            var result = await tester.TestAsync(definition, taskId, logicalDate, message => Console.WriteLine($"{taskId}: {message}"), cancellationToken);
            if (result.Outcome.Waiting is { } waiting)
            {
                Console.WriteLine($"sensor '{taskId}' is not satisfied for {logicalDate:yyyy-MM-dd}: {waiting}.");
                return CommandErrors.Failed;
            }

            var read = result.Outcome.RowsRead > 0 ? $": {result.Outcome.RowsRead} row(s) read" : string.Empty;
            Console.WriteLine($"test of {definition.Name}.{taskId} for {logicalDate:yyyy-MM-dd} succeeded (not recorded, not published){read}.");
            foreach (var (dataset, rows) in result.Outcome.RowsWritten)
            {
                var where = result.Outputs.TryGetValue(dataset, out var path) ? path : dataset;
                Console.WriteLine($"  {dataset}: {rows} row(s) -> {where}");
            }

            foreach (var (dataset, path) in result.Outputs.Where(o => !result.Outcome.RowsWritten.ContainsKey(o.Key)))
            {
                Console.WriteLine($"  {dataset} -> {path}");
            }

            if (result.Outcome.RowsQuarantined > 0)
            {
                Console.WriteLine($"  {result.Outcome.RowsQuarantined} row(s) quarantined");
            }

            return 0;
        }));
        return command;
    }
}
