using Sluice.Alerts.Configuration;

namespace Sluice.Alerts.Incidents;

/// <summary>
/// The incidents the router knows, by key: folds occurrences into them, clears intervals that
/// succeeded, and says which are due to be announced or resolved.
/// </summary>
internal sealed class IncidentBook(GroupingPolicy grouping, TimeProvider time)
{
    private readonly Dictionary<string, Incident> _incidents = new(StringComparer.Ordinal);

    // Runs that produced an occurrence: their failure is already told, so "run failed" is not a second incident.
    private readonly HashSet<long> _runsWithOccurrence = [];

    // Task attempts that failed on a drifted contract or an error check: that incident says why, so the
    // task's failure that follows is not a second alert for the same fault.
    private readonly HashSet<(long Run, string Task)> _causedFailures = [];

    public IEnumerable<Incident> All => _incidents.Values;

    public void Apply(Observation observation)
    {
        switch (observation)
        {
            case Occurrence occurrence:
                Add(occurrence);
                break;
            case Cleared cleared:
                foreach (var incident in Live(cleared).Where(i => i.Kind == cleared.Kind && i.Subject == cleared.Subject))
                {
                    incident.Failing.Remove(cleared.Date ?? Incident.Undated);
                }

                break;
            case RunEnded { Succeeded: false } failed when failed.RunId is not { } run || !_runsWithOccurrence.Contains(run):
                Add(ObservationReader.RunFailure(failed));
                break;
            case RunEnded { Succeeded: true } succeeded:
                // A run that succeeded without repeating an incident clears its interval from it.
                foreach (var incident in Live(succeeded).Where(i => succeeded.RunId is not { } run || !i.Runs.Contains(run)))
                {
                    incident.Failing.Remove(succeeded.Date ?? Incident.Undated);
                }

                break;
        }
    }

    /// <summary>Pending incidents whose grouping window has closed (or all of them, when flushing).</summary>
    public IReadOnlyList<Incident> DueToAnnounce(DateTimeOffset now, bool flush) =>
        _incidents.Values
            .Where(i => i.Status == IncidentStatus.Pending && (flush || now - i.LastSeen >= grouping.QuietFor || now - i.FirstSeen >= grouping.MaxWait))
            .OrderBy(i => i.FirstEventId)
            .ToList();

    /// <summary>Announced incidents whose every affected interval has succeeded since.</summary>
    public IReadOnlyList<Incident> DueToResolve() =>
        _incidents.Values.Where(i => i.Status == IncidentStatus.Open && i.Failing.Count == 0).OrderBy(i => i.FirstEventId).ToList();

    /// <summary>
    /// The position to record with an alert: everything up to it is reflected in what was announced, so
    /// a restarted router reads on from there. A pending incident holds it back to just before its first event.
    /// </summary>
    public long SafePosition(long processed) =>
        _incidents.Values.Where(i => i.Status == IncidentStatus.Pending).Select(i => i.FirstEventId - 1).Append(processed).Min();

    /// <summary>Puts back an incident as an alert event recorded it.</summary>
    public void Restore(Incident incident)
    {
        _incidents[incident.Key] = incident;
        _runsWithOccurrence.UnionWith(incident.Runs);
    }

    /// <summary>Where to read from after a restart: early enough that every announced incident sees what came after its snapshot.</summary>
    public long ReplayFrom(long lastRecorded) =>
        _incidents.Values.Where(i => i.Status == IncidentStatus.Open).Select(i => i.SnapshotThrough).Append(lastRecorded).Min();

    /// <summary>Forgets resolved incidents once nothing before their snapshot can be read again.</summary>
    public void Prune(long processed)
    {
        foreach (var key in _incidents.Values.Where(i => i.Status == IncidentStatus.Resolved && i.SnapshotThrough <= processed).Select(i => i.Key).ToList())
        {
            _incidents.Remove(key);
        }
    }

    private void Add(Occurrence occurrence)
    {
        if (occurrence.RunId is { } run)
        {
            _runsWithOccurrence.Add(run);
            if (occurrence.TaskId is { } task)
            {
                if (occurrence.Kind is IncidentKinds.ContractDrift or IncidentKinds.CheckFailed && occurrence.Severity == AlertSeverity.Error)
                {
                    _causedFailures.Add((run, task));
                }
                else if (occurrence.Kind == IncidentKinds.TaskFailed && _causedFailures.Contains((run, task)))
                {
                    return;
                }
            }
        }

        if (_incidents.TryGetValue(occurrence.Key, out var incident) && occurrence.EventId <= incident.SnapshotThrough)
        {
            return;
        }

        if (incident is null || incident.Status == IncidentStatus.Resolved)
        {
            if (time.GetUtcNow() - occurrence.At > grouping.IgnoreOlderThan)
            {
                return;
            }

            incident = Incident.Open(occurrence);
            _incidents[occurrence.Key] = incident;
        }

        incident.Add(occurrence);
    }

    private IEnumerable<Incident> Live(Observation observation) =>
        _incidents.Values.Where(i => i.Status != IncidentStatus.Resolved && i.Pipeline == observation.Pipeline && observation.EventId > i.SnapshotThrough);
}
