using Sluice.Model;

namespace Sluice.Connectors;

/// <summary>
/// <c>on_empty</c> of a sink: a load of zero rows that would remove rows (a replace, a partition's
/// delete_insert) is far more often a broken extract than a real empty day, and the rows it removes
/// are gone. So unless the task says otherwise, such a load is refused and the target kept.
/// </summary>
public static class EmptyLoadGuard
{
    /// <summary>
    /// Call before committing a load whose input is empty: <paramref name="affected"/> is how many rows
    /// it would remove, <paramref name="effect"/> says it with the target ("remove 967 row(s) of
    /// main.fact_sales"). Throws, logs or stays silent per <c>on_empty</c>.
    /// </summary>
    public static void Check(TaskContext context, long affected, string effect)
    {
        if (affected == 0)
        {
            return;
        }

        var mode = context.Options.GetChoice("mode");
        switch (context.Task.OnEmpty ?? EmptyPolicy.Fail)
        {
            case EmptyPolicy.Fail:
                throw new NonRetryableException(
                    $"task '{context.Task.Id}': the input '{context.Task.Inputs.FirstOrDefault()}' is empty (0 rows) for {context.Interval.LogicalDate:yyyy-MM-dd}, and mode '{mode}' would {effect}; refused, nothing was changed. " +
                    "Check the source of this interval; if it really has no data, set on_empty: ok (or warn) on the task.");
            case EmptyPolicy.Warn:
                context.Log($"warning: the input is empty (0 rows); on_empty: warn lets mode '{mode}' {effect}");
                break;
        }
    }
}
