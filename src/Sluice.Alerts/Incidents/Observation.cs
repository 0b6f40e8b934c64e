namespace Sluice.Alerts.Incidents;

/// <summary>What the router learned from one event, reduced to what incidents need.</summary>
internal abstract record Observation(long EventId, string Pipeline, DateOnly? Date, long? RunId, DateTimeOffset At);

/// <summary>Something went wrong: one occurrence of the incident with <see cref="Key"/>.</summary>
internal sealed record Occurrence(
    long EventId, string Pipeline, DateOnly? Date, long? RunId, DateTimeOffset At,
    string Kind, string Subject, string Fingerprint, AlertSeverity Severity, string Headline, string Details)
    : Observation(EventId, Pipeline, Date, RunId, At)
{
    /// <summary>Stable across occurrences: pipeline, kind, subject, and the error's fingerprint where the error defines the fault.</summary>
    public string Key => Fingerprint.Length == 0 ? $"{Pipeline}/{Kind}/{Subject}" : $"{Pipeline}/{Kind}/{Subject}/{Fingerprint}";

    /// <summary>The task whose attempt raised it, where one did: a drift or a failed check is the cause of that task's failure.</summary>
    public string? TaskId { get; init; }
}

/// <summary>The subject of incidents of <see cref="Kind"/> succeeded for <see cref="Observation.Date"/>: a task succeeded, a check passed.</summary>
internal sealed record Cleared(long EventId, string Pipeline, DateOnly? Date, long? RunId, DateTimeOffset At, string Kind, string Subject)
    : Observation(EventId, Pipeline, Date, RunId, At);

/// <summary>A run finished. A failed run is an incident only when nothing else in it was; a successful one clears its interval.</summary>
internal sealed record RunEnded(long EventId, string Pipeline, DateOnly? Date, long? RunId, DateTimeOffset At, bool Succeeded, string? Error)
    : Observation(EventId, Pipeline, Date, RunId, At);
