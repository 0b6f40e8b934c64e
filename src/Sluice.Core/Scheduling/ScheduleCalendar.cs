using Cronos;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Scheduling;

/// <summary>
/// Schedule arithmetic for one pipeline, in its time zone: when the run of an interval is due (the
/// first cron time at or after the interval's end, as in Airflow), and which intervals are due by a
/// given instant. Daylight-saving changes are Cronos's: a skipped local time fires at the next valid
/// instant and a repeated one fires once.
/// </summary>
public sealed class ScheduleCalendar
{
    private readonly PipelineDefinition _pipeline;
    private readonly CronExpression _cron;
    private readonly TimeZoneInfo _zone;

    private ScheduleCalendar(PipelineDefinition pipeline, CronExpression cron)
    {
        _pipeline = pipeline;
        _cron = cron;
        _zone = TimeZoneInfo.FindSystemTimeZoneById(pipeline.TimeZone);
    }

    /// <summary>The calendar of a scheduled pipeline, or null when it has no schedule (it runs only by hand).</summary>
    public static ScheduleCalendar? For(PipelineDefinition pipeline)
    {
        if (string.IsNullOrWhiteSpace(pipeline.Schedule))
        {
            return null;
        }

        var fields = pipeline.Schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        return new ScheduleCalendar(pipeline, CronExpression.Parse(pipeline.Schedule, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard));
    }

    public DataInterval Interval(DateOnly logicalDate) => DataInterval.For(logicalDate, _pipeline.Interval, _pipeline.TimeZone);

    /// <summary>When the run for an interval is due: the first cron time at or after the interval ends.</summary>
    public DateTimeOffset DueAt(DateOnly logicalDate)
    {
        var end = Interval(logicalDate).End;
        return _cron.GetNextOccurrence(end, _zone, inclusive: true) ?? DateTimeOffset.MaxValue;
    }

    /// <summary>
    /// The intervals due by <paramref name="now"/>, oldest first: with catch-up, every one from the start
    /// date; without (or with no start date), only the latest. None past the end date.
    /// </summary>
    public IReadOnlyList<DateOnly> DueBy(DateTimeOffset now)
    {
        var latest = LatestDue(now);
        if (latest is not { } last)
        {
            return [];
        }

        if (!_pipeline.Scheduling.Catchup || _pipeline.StartDate is not { } start)
        {
            return [last];
        }

        return DataInterval.Dates(start, last, _pipeline.Interval).ToList();
    }

    /// <summary>The most recent interval whose run is due by <paramref name="now"/>, within start and end dates.</summary>
    public DateOnly? LatestDue(DateTimeOffset now)
    {
        var local = DateOnly.FromDateTime(TimeZoneInfo.ConvertTime(now, _zone).DateTime);
        var candidate = Align(local);
        // The interval that contains now is never due yet; step back until one is (a few steps at most).
        for (var step = 0; step < 400; step++)
        {
            if (_pipeline.Scheduling.EndDate is { } end && candidate > end)
            {
                candidate = Align(end);
                continue;
            }

            if (_pipeline.StartDate is { } start && candidate < start)
            {
                return null;
            }

            if (DueAt(candidate) <= now)
            {
                return candidate;
            }

            candidate = Previous(candidate);
        }

        return null;
    }

    /// <summary>The logical date of the interval holding <paramref name="date"/>: aligned to the start date's weekday or day of month.</summary>
    private DateOnly Align(DateOnly date)
    {
        var anchor = _pipeline.StartDate ?? new DateOnly(2000, 1, 3);
        return _pipeline.Interval switch
        {
            IntervalUnit.Week => date.AddDays(-(((date.DayNumber - anchor.DayNumber) % 7) + 7) % 7),
            IntervalUnit.Month => new DateOnly(date.Year, date.Month, Math.Min(anchor.Day, DateTime.DaysInMonth(date.Year, date.Month))),
            _ => date,
        } is var aligned && aligned > date ? Previous(aligned) : aligned;
    }

    private DateOnly Previous(DateOnly date) => _pipeline.Interval switch
    {
        IntervalUnit.Week => date.AddDays(-7),
        IntervalUnit.Month => date.AddMonths(-1),
        _ => date.AddDays(-1),
    };
}
