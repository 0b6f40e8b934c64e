namespace Sluice.Model;

/// <summary>How the scheduler treats a pipeline beyond its cron expression (Airflow's DAG arguments).</summary>
public sealed record ScheduleSettings
{
    public static ScheduleSettings Default { get; } = new();

    /// <summary>The last logical date to schedule; none after it.</summary>
    public DateOnly? EndDate { get; init; }

    /// <summary>Run every missed interval since <c>start_date</c> (true), or only the latest one (false).</summary>
    public bool Catchup { get; init; } = true;

    /// <summary>Most runs of this pipeline in progress at once.</summary>
    public int MaxActiveRuns { get; init; } = 1;

    /// <summary>An interval whose run has not succeeded this long after the interval's end is late.</summary>
    public TimeSpan? SlaDeadline { get; init; }

    /// <summary>A run still going after this long is late.</summary>
    public TimeSpan? SlaMaxDuration { get; init; }

    public SourceLocation? Location { get; init; }
}
