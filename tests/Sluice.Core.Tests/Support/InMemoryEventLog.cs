using Sluice.Events;

namespace Sluice.Core.Tests.Support;

/// <summary>The event log kept in memory, for executor tests that need no database.</summary>
internal sealed class InMemoryEventLog : IEventLog
{
    private readonly List<RunEvent> _events = [];

    public IReadOnlyList<RunEvent> Events
    {
        get
        {
            lock (_events)
            {
                return _events.ToList();
            }
        }
    }

    public Task<RunEvent> AppendAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        lock (_events)
        {
            var stored = runEvent with { Id = _events.Count + 1 };
            _events.Add(stored);
            return Task.FromResult(stored);
        }
    }

    public Task<IReadOnlyList<RunEvent>> ReadAsync(EventQuery query, CancellationToken cancellationToken) =>
        Task.FromResult<IReadOnlyList<RunEvent>>(Events.Where(e => e.Id > query.AfterId).Take(query.Limit).ToList());
}
