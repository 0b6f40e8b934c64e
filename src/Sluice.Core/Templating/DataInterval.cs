namespace Sluice.Templating;

/// <summary>How long one data interval is. The schedule says when runs start; this says what they cover.</summary>
public enum IntervalUnit
{
    Day,
    Week,
    Month,
}

/// <summary>
/// The slice of time one run processes: from the logical date's midnight in the pipeline's time zone
/// to the start of the next interval. A run happens after its interval ends, as in Airflow.
/// </summary>
public sealed record DataInterval(DateOnly LogicalDate, DateTimeOffset Start, DateTimeOffset End)
{
    public static DataInterval For(DateOnly logicalDate, IntervalUnit unit, string timeZone)
    {
        var zone = TimeZoneInfo.FindSystemTimeZoneById(timeZone);
        var next = unit switch
        {
            IntervalUnit.Week => logicalDate.AddDays(7),
            IntervalUnit.Month => logicalDate.AddMonths(1),
            _ => logicalDate.AddDays(1),
        };
        return new DataInterval(logicalDate, Midnight(logicalDate, zone), Midnight(next, zone));
    }

    /// <summary>The logical dates of every interval from <paramref name="first"/> to <paramref name="last"/>, inclusive.</summary>
    public static IEnumerable<DateOnly> Dates(DateOnly first, DateOnly last, IntervalUnit unit)
    {
        for (var date = first; date <= last; date = unit switch
        {
            IntervalUnit.Week => date.AddDays(7),
            IntervalUnit.Month => date.AddMonths(1),
            _ => date.AddDays(1),
        })
        {
            yield return date;
        }
    }

    private static DateTimeOffset Midnight(DateOnly date, TimeZoneInfo zone)
    {
        var local = date.ToDateTime(TimeOnly.MinValue, DateTimeKind.Unspecified);
        return new DateTimeOffset(local, zone.GetUtcOffset(local));
    }

    public override string ToString() => $"{Start:yyyy-MM-dd HH:mm:ss zzz} .. {End:yyyy-MM-dd HH:mm:ss zzz}";
}
