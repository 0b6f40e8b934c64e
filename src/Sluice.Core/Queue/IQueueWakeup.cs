namespace Sluice.Queue;

/// <summary>
/// Optional beside <see cref="ITaskQueue"/>: a queue that can tell idle workers that work was queued
/// (PostgreSQL: LISTEN/NOTIFY), so they claim it at once instead of at their next poll. A worker takes
/// a mark before it looks for work and then waits on that mark, so a notification that arrives between
/// the look and the wait is not lost. Workers still poll, for retry times coming due and as a fallback
/// while the notification channel is down.
/// </summary>
public interface IQueueWakeup
{
    /// <summary>Starts listening if not yet, and returns how many notifications were seen so far.</summary>
    long Mark();

    /// <summary>Completes once a notification newer than <paramref name="mark"/> arrived; cancel it to stop waiting.</summary>
    Task WaitForWorkAsync(long mark, CancellationToken cancellationToken);
}
