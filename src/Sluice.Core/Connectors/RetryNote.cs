namespace Sluice.Connectors;

/// <summary>
/// How a connector's message about a transient failure ends. The executor retries only while the
/// task's <c>retries</c> last, so "will be retried" on the last attempt (or with retries: 0, the
/// default) would promise something that does not happen.
/// </summary>
public static class RetryNote
{
    public static string For(TaskContext context)
    {
        var retries = (context.Task.Retry ?? context.Pipeline.DefaultRetry).Retries;
        if (context.TryNumber <= retries)
        {
            return "the task will be retried.";
        }

        return retries == 0
            ? "the task has no retries (retries: 0), so it fails; such errors pass on a rerun, or set retries: 2 on the task to retry them."
            : $"this was the last of the task's {retries + 1} attempts, so it fails; rerun the interval.";
    }
}
