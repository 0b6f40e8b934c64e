namespace Sluice.Events;

/// <summary>
/// The append-only log of <see cref="RunEvent"/>s, kept in the metadata store. Writers append; each
/// reader keeps its own position (the id of the last event it handled) and reads on from there.
/// </summary>
public interface IEventLog
{
    /// <summary>Appends an event and returns it with its assigned id.</summary>
    Task<RunEvent> AppendAsync(RunEvent runEvent, CancellationToken cancellationToken);

    /// <summary>Events after the query's position, oldest first, that match it.</summary>
    Task<IReadOnlyList<RunEvent>> ReadAsync(EventQuery query, CancellationToken cancellationToken);
}
