namespace Sluice.Events;

/// <summary>
/// The append-only log of <see cref="RunEvent"/>s, kept in the metadata store. Writers append; each
/// reader keeps its own position (the id of the last event it handled) and reads on from there.
/// </summary>
public interface IEventLog
{
    /// <summary>How often the default <see cref="WaitForEventsAsync"/> looks again, for logs that cannot notify.</summary>
    static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Appends an event and returns it with its assigned id.</summary>
    Task<RunEvent> AppendAsync(RunEvent runEvent, CancellationToken cancellationToken);

    /// <summary>Events after the query's position, oldest first, that match it.</summary>
    Task<IReadOnlyList<RunEvent>> ReadAsync(EventQuery query, CancellationToken cancellationToken);

    /// <summary>
    /// Waits until the log holds an event after <paramref name="afterId"/> (true) or the timeout passes
    /// (false), so a reader follows the log without polling it in a tight loop. PostgreSQL wakes the
    /// waiter through LISTEN/NOTIFY; this default looks every <see cref="PollInterval"/>.
    /// </summary>
    async Task<bool> WaitForEventsAsync(long afterId, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            if ((await ReadAsync(new EventQuery { AfterId = afterId, Limit = 1 }, cancellationToken)).Count > 0)
            {
                return true;
            }

            var left = deadline - DateTimeOffset.UtcNow;
            if (left <= TimeSpan.Zero)
            {
                return false;
            }

            await Task.Delay(left < PollInterval ? left : PollInterval, cancellationToken);
        }
    }
}
