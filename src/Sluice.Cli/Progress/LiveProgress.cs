using System.Collections.Concurrent;
using Spectre.Console;
using Sluice.Execution;
using Sluice.Model;
using Sluice.State;

namespace Sluice.Cli.Progress;

/// <summary>A live table of tasks, states, rows and elapsed time, redrawn while the run goes on.</summary>
internal sealed class LiveProgress(PipelineDefinition pipeline) : IRunObserver
{
    private readonly ConcurrentDictionary<string, TaskInstanceRecord> _tasks = new();
    private readonly ConcurrentQueue<string> _messages = new();
    private RunRecord? _run;

    public async Task<RunResult> RunAsync(Func<IRunObserver, Task<RunResult>> run)
    {
        RunResult? result = null;
        await Format.Console.Live(Render()).AutoClear(false).StartAsync(async context =>
        {
            var work = run(this);
            while (!work.IsCompleted)
            {
                context.UpdateTarget(Render());
                await Task.WhenAny(work, Task.Delay(150));
            }

            result = await work;
            context.UpdateTarget(Render());
        });
        return result!;
    }

    public void RunStarted(RunRecord run, IReadOnlyList<TaskDefinition> tasks) => _run = run;

    public void TaskChanged(TaskInstanceRecord task) => _tasks[task.TaskId] = task;

    public void Log(string taskId, string message)
    {
        _messages.Enqueue($"[{taskId}] {message}");
        while (_messages.Count > 6)
        {
            _messages.TryDequeue(out _);
        }
    }

    private Rows Render()
    {
        var title = _run is null ? pipeline.Name : $"{pipeline.Name} · run {_run.Id} · {_run.LogicalDate:yyyy-MM-dd}";
        var table = new Table().Border(TableBorder.Rounded).Title(Markup.Escape(title))
            .AddColumns("task", "kind", "state", "try", "rows", "elapsed");
        foreach (var task in PipelineGraph.Of(pipeline).RunOrder)
        {
            var record = _tasks.GetValueOrDefault(task.Id);
            var elapsed = record?.StartedAt is { } start ? (record.EndedAt ?? DateTimeOffset.UtcNow) - start : (TimeSpan?)null;
            table.AddRow(
                Markup.Escape(task.Id),
                $"{task.Kind.ToString().ToLowerInvariant()}:{Markup.Escape(task.Connector)}",
                Format.State((record?.State ?? TaskState.Pending).ToString()) + (record?.Reused == true ? " (reused)" : string.Empty),
                record?.TryNumber > 0 ? record.TryNumber.ToString(System.Globalization.CultureInfo.InvariantCulture) : "",
                record is null ? "" : Format.Count(record.RowsWritten),
                elapsed is { } e ? Format.Duration(e) : "");
        }

        var log = _messages.ToArray().Select(m => (Spectre.Console.Rendering.IRenderable)new Text(m, new Style(Color.Grey)));
        return new Rows([table, .. log]);
    }
}
