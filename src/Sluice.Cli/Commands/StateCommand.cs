using System.CommandLine;
using System.Globalization;
using Sluice.Incremental;
using Sluice.Model;

namespace Sluice.Cli.Commands;

/// <summary>
/// <c>sluice state show|set|reset</c>: the watermarks of a pipeline's incremental sources, set one by
/// hand, or forget them so the next run starts from <c>initial</c>.
/// </summary>
internal static class StateCommand
{
    public static Command Create() => new("state", "Show, set or reset the watermarks (incremental cursors) of a pipeline's sources.")
    {
        Show(),
        Set(),
        Reset(),
    };

    private static Command Show()
    {
        var (pipeline, task, stateDir) = Common();
        var command = new Command("show", "Each incremental source's cursor column, last committed value, and the run that committed it.") { pipeline, task, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            var taskId = parse.GetValue(task) is { } one ? IncrementalTask(definition, one).Id : null;
            await using var opened = await OpenAsync(parse, stateDir, cancellationToken);
            var stored = await Cursors(opened).ListCursorsAsync(definition.Name, taskId, cancellationToken);
            var held = await Cursors(opened).ListHeldCursorsAsync(definition.Name, cancellationToken);
            foreach (var t in definition.Tasks.Where(t => t.Incremental is not null && (taskId is null || t.Id == taskId)))
            {
                var state = stored.FirstOrDefault(s => s.TaskId == t.Id);
                Console.WriteLine(state is null
                    ? $"{t.Id}: cursor '{t.Incremental!.Cursor}' has no watermark yet; the next run reads from {t.Incremental.Initial ?? "the first row"}"
                    : $"{t.Id}: cursor '{state.Column}' = {state.Value} ({state.Value.KindName}), {(state.RunId is { } run ? $"committed by run {run}" : "set by hand")} at {state.UpdatedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC");
                foreach (var h in held.Where(h => h.TaskId == t.Id))
                {
                    Console.WriteLine($"  held by run {h.RunId}: {h.Expected?.Text ?? "(none)"} -> {h.Next}, read at {h.HeldAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", CultureInfo.InvariantCulture)} UTC; commits when that run's loads succeed (a run that failed leaves it, and the next run reads those rows again)");
                }
            }

            return 0;
        }));
        return command;
    }

    private static Command Set()
    {
        var pipeline = CommonOptions.Pipeline();
        var task = new Argument<string>("task") { Description = "The incremental source task." };
        var value = new Argument<string>("value") { Description = "The new watermark: a number, a date, a timestamp (2024-03-01T00:00:00Z) or text." };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("set", "Set a task's watermark; its next run reads rows from this value on.") { pipeline, task, value, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            var t = IncrementalTask(definition, parse.GetValue(task)!);
            await using var opened = await OpenAsync(parse, stateDir, cancellationToken);
            var store = Cursors(opened);
            var before = await store.GetCursorAsync(definition.Name, t.Id, cancellationToken);
            var text = parse.GetValue(value)!;
            // A text cursor (SQLite keeps timestamps as text) stays text, so it compares the way the column does.
            var parsed = before?.Value.Kind == CursorKind.Text ? new CursorValue(CursorKind.Text, text) : CursorValue.Parse(text);
            await store.SetCursorAsync(new CursorState { Pipeline = definition.Name, TaskId = t.Id, Column = t.Incremental!.Cursor, Value = parsed, UpdatedAt = TimeProvider.System.GetUtcNow() }, cancellationToken);
            Console.WriteLine($"{t.Id}: watermark of '{t.Incremental.Cursor}' set to {parsed} ({parsed.KindName}); it was {before?.Value.Text ?? "(none)"}.");
            return 0;
        }));
        return command;
    }

    private static Command Reset()
    {
        var (pipeline, task, stateDir) = Common();
        var command = new Command("reset", "Forget the watermarks of a pipeline (or one task): the next run reads from 'initial'.") { pipeline, task, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var definition = PipelineLocator.Load(parse.GetValue(pipeline)!);
            var taskId = parse.GetValue(task) is { } one ? IncrementalTask(definition, one).Id : null;
            await using var opened = await OpenAsync(parse, stateDir, cancellationToken);
            var removed = await Cursors(opened).ResetCursorsAsync(definition.Name, taskId, cancellationToken);
            Console.WriteLine($"{removed} watermark(s) of {definition.Name}{(taskId is null ? string.Empty : $" task {taskId}")} removed; the next run reads from each source's 'initial'.");
            return 0;
        }));
        return command;
    }

    private static (Argument<string> Pipeline, Argument<string?> Task, Option<string?> StateDir) Common() =>
        (CommonOptions.Pipeline(), new Argument<string?>("task") { Description = "One incremental task (default: all of them).", Arity = ArgumentArity.ZeroOrOne }, CommonOptions.StateDirectory());

    private static async Task<State.IMetadataStore> OpenAsync(ParseResult parse, Option<string?> stateDir, CancellationToken cancellationToken) =>
        await SluiceHost.OpenStoreAsync(SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), SluiceHost.StateDirectory(parse.GetValue(stateDir))), cancellationToken);

    private static ICursorStore Cursors(State.IMetadataStore store) =>
        store as ICursorStore ?? throw new SluiceException("this metadata store keeps no watermarks; use the SQLite state folder or the PostgreSQL metadata store.");

    private static TaskDefinition IncrementalTask(PipelineDefinition pipeline, string id)
    {
        var incremental = pipeline.Tasks.Where(t => t.Incremental is not null).Select(t => t.Id).ToList();
        return pipeline.Tasks.FirstOrDefault(t => t.Id == id && t.Incremental is not null)
            ?? throw new SluiceException($"pipeline '{pipeline.Name}': " + Validation.Suggestions.UnknownName("incremental task", id, incremental));
    }
}
