namespace Sluice.Alerts.Incidents;

/// <summary>Where an incident is in its life: held for grouping, announced, or cleared.</summary>
internal enum IncidentStatus
{
    Pending,
    Open,
    Resolved,
}

/// <summary>
/// One fault, however many runs and intervals it hit: the alert that announces it, and its recovery,
/// are each sent once. <see cref="Failing"/> holds the intervals that have not succeeded since.
/// </summary>
internal sealed class Incident
{
    /// <summary>Stands for "no interval" in <see cref="Failing"/> when an event had no logical date.</summary>
    public static readonly DateOnly Undated = DateOnly.MinValue;

    public required string Key { get; init; }
    public required string Kind { get; init; }
    public required string Pipeline { get; init; }
    public required string Subject { get; init; }
    public required string Headline { get; init; }
    public required string Details { get; init; }
    public required AlertSeverity Severity { get; set; }
    public required DateTimeOffset FirstSeen { get; init; }
    public required long FirstEventId { get; init; }
    public DateTimeOffset LastSeen { get; set; }
    public int Occurrences { get; set; }
    public IncidentStatus Status { get; set; }

    /// <summary>Events up to this id are already reflected here (it was restored from an alert event written then).</summary>
    public long SnapshotThrough { get; set; }

    public SortedSet<DateOnly> Affected { get; } = [];
    public SortedSet<DateOnly> Failing { get; } = [];
    public SortedSet<long> Runs { get; } = [];

    public static Incident Open(Occurrence first) => new()
    {
        Key = first.Key,
        Kind = first.Kind,
        Pipeline = first.Pipeline,
        Subject = first.Subject,
        Headline = first.Headline,
        Details = first.Details,
        Severity = first.Severity,
        FirstSeen = first.At,
        FirstEventId = first.EventId,
        LastSeen = first.At,
    };

    public void Add(Occurrence occurrence)
    {
        var date = occurrence.Date ?? Undated;
        Affected.Add(date);
        Failing.Add(date);
        if (occurrence.RunId is { } run)
        {
            Runs.Add(run);
        }

        Occurrences++;
        LastSeen = occurrence.At > LastSeen ? occurrence.At : LastSeen;
        // A later occurrence may be worse (a check escalated); never lower what was announced.
        Severity = occurrence.Severity > Severity ? occurrence.Severity : Severity;
    }

    /// <summary>Affected intervals people can read: without the "no interval" marker.</summary>
    public IReadOnlyList<DateOnly> Intervals => Affected.Where(d => d != Undated).ToList();
}
