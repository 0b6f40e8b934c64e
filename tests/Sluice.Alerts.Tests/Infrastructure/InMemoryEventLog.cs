using System.Text.Json.Nodes;
using Sluice.Events;

namespace Sluice.Alerts.Tests.Infrastructure;

/// <summary>
/// The event log contract kept in a list: ids increase from 1, reads return events after a position
/// that match the query. The SQLite and PostgreSQL logs are tested against the same contract elsewhere.
/// </summary>
internal sealed class InMemoryEventLog : IEventLog
{
    private readonly List<RunEvent> _events = [];
    private readonly Lock _lock = new();

    public IReadOnlyList<RunEvent> Events
    {
        get
        {
            lock (_lock)
            {
                return _events.ToList();
            }
        }
    }

    /// <summary>When set, reads fail as a locked or unreachable database would.</summary>
    public string? ReadFailure { get; set; }

    public IReadOnlyList<RunEvent> OfType(string type) => Events.Where(e => e.Type == type).ToList();

    public Task<RunEvent> AppendAsync(RunEvent runEvent, CancellationToken cancellationToken)
    {
        lock (_lock)
        {
            // Stored as text and read back, as a database-backed log does: payloads must survive that.
            var stored = runEvent with { Id = _events.Count + 1, Payload = JsonNode.Parse(runEvent.Payload.ToJsonString())!.AsObject() };
            _events.Add(stored);
            return Task.FromResult(stored);
        }
    }

    public Task<IReadOnlyList<RunEvent>> ReadAsync(EventQuery query, CancellationToken cancellationToken)
    {
        if (ReadFailure is { } failure)
        {
            throw new InvalidOperationException(failure);
        }

        lock (_lock)
        {
            IReadOnlyList<RunEvent> found = _events
                .Where(e => e.Id > query.AfterId)
                .Where(e => query.RunId is null || e.RunId == query.RunId)
                .Where(e => query.Pipeline is null || e.Pipeline == query.Pipeline)
                .Where(e => query.Types is null || query.Types.Contains(e.Type))
                .Take(query.Limit)
                .ToList();
            return Task.FromResult(found);
        }
    }
}
