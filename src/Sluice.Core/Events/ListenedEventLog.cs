namespace Sluice.Events;

/// <summary>
/// An event log that tells its listeners of every event appended through it, after the append, so what
/// they see is exactly what the log holds. A listener that throws is ignored: metrics never fail a run.
/// </summary>
public sealed class ListenedEventLog : IEventLog
{
    private readonly IEventLog _inner;
    private readonly IReadOnlyList<IRunEventListener> _listeners;

    private ListenedEventLog(IEventLog inner, IReadOnlyList<IRunEventListener> listeners)
    {
        _inner = inner;
        _listeners = listeners;
    }

    /// <summary>The log itself when there is no listener, else the log with them attached.</summary>
    public static IEventLog Over(IEventLog log, IEnumerable<IRunEventListener> listeners)
    {
        var list = listeners.ToList();
        return list.Count == 0 ? log : new ListenedEventLog(log, list);
    }

    public async Task<RunEvent> AppendAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        var stored = await _inner.AppendAsync(runEvent, cancellationToken);
        foreach (var listener in _listeners)
        {
            try
            {
                listener.OnEvent(stored);
            }
            catch (Exception e) when (e is not OutOfMemoryException)
            {
                // A listener's fault must not lose the event or fail its writer; the log has it.
            }
        }

        return stored;
    }

    public Task<IReadOnlyList<RunEvent>> ReadAsync(EventQuery query, CancellationToken cancellationToken) => _inner.ReadAsync(query, cancellationToken);
}
