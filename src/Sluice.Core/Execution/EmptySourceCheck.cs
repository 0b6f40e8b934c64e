using Sluice.Connectors;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Execution;

/// <summary>
/// <c>on_empty</c> of a source: zero rows extracted is how a broken partner API or an empty export
/// usually shows itself, so it never passes unnoticed unless the task says it is normal.
/// </summary>
internal static class EmptySourceCheck
{
    /// <summary>Logs a warning (the default) or fails the task when a source staged no rows.</summary>
    public static void Apply(TaskDefinition task, TaskOutcome outcome, DataInterval interval, Action<string> log, Action<System.Text.Json.Nodes.JsonObject> emit)
    {
        var counted = task.Outputs.Where(outcome.RowsWritten.ContainsKey).ToList();
        // A connector that does not count its rows gives nothing to judge.
        if (task.Kind != TaskKind.Source || counted.Count == 0 || counted.Sum(o => outcome.RowsWritten[o]) > 0)
        {
            return;
        }

        var what = $"source task '{task.Id}' extracted 0 rows for the interval {interval} (logical date {interval.LogicalDate:yyyy-MM-dd})";
        var policy = task.OnEmpty ?? EmptyPolicy.Warn;
        if (policy != EmptyPolicy.Ok)
        {
            // The alert router turns this into a warning (or an error with on_empty: fail).
            emit(new System.Text.Json.Nodes.JsonObject
            {
                ["dataset"] = string.Join(",", counted),
                ["rows"] = 0,
                ["policy"] = policy.ToString().ToLowerInvariant(),
                ["message"] = what,
            });
        }

        switch (task.OnEmpty ?? EmptyPolicy.Warn)
        {
            case EmptyPolicy.Fail:
                throw new NonRetryableException($"{what}, and the task says on_empty: fail. Check the source; set on_empty: warn or ok if an empty interval is normal.");
            case EmptyPolicy.Warn:
                log($"warning: {what}. Set on_empty: ok on the task if an empty interval is normal, or on_empty: fail to stop the run.");
                break;
        }
    }
}
