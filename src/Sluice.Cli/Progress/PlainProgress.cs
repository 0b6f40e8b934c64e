using System.Globalization;
using Sluice.Execution;
using Sluice.Model;
using Sluice.State;

namespace Sluice.Cli.Progress;

/// <summary>One timestamped line per event, for logs and non-terminal output.</summary>
internal sealed class PlainProgress : IRunObserver
{
    private readonly Lock _gate = new();

    public void RunStarted(RunRecord run, IReadOnlyList<TaskDefinition> tasks) =>
        Write("run", $"run {run.Id} of {run.Pipeline} started for {run.LogicalDate:yyyy-MM-dd} ({run.IntervalStart.UtcDateTime:yyyy-MM-dd HH:mm} .. {run.IntervalEnd.UtcDateTime:yyyy-MM-dd HH:mm} UTC), {tasks.Count} tasks");

    public void TaskChanged(TaskInstanceRecord task)
    {
        var detail = task.State switch
        {
            TaskState.Running => $"running (try {task.TryNumber})",
            TaskState.Success when task.Reused => "success (outputs reused from the previous run)",
            TaskState.Success => $"success: {task.RowsWritten} rows written{(task.RowsQuarantined > 0 ? $", {task.RowsQuarantined} quarantined" : string.Empty)} in {Format.Duration(task.Duration ?? TimeSpan.Zero)}",
            TaskState.Failed => $"failed: {task.Error}",
            TaskState.UpstreamFailed => $"upstream_failed: {task.Error}",
            TaskState.UpForRetry => "up_for_retry",
            TaskState.UpForReschedule => "up_for_reschedule (waiting for its condition)",
            _ => null,
        };
        if (detail is not null)
        {
            Write(task.TaskId, detail);
        }
    }

    public void Log(string taskId, string message) => Write(taskId, message);

    private void Write(string source, string message)
    {
        lock (_gate)
        {
            Console.WriteLine($"{DateTime.UtcNow.ToString("HH:mm:ss", CultureInfo.InvariantCulture)} [{source}] {message}");
        }
    }
}
