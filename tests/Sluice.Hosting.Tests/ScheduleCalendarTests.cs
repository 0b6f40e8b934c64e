using Sluice.Model;
using Sluice.Scheduling;
using Sluice.Yaml;

namespace Sluice.Hosting.Tests;

/// <summary>Schedule arithmetic on fixed instants: time zones, daylight saving, month ends, catch-up counts.</summary>
public sealed class ScheduleCalendarTests
{
    private static ScheduleCalendar Calendar(string header) =>
        ScheduleCalendar.For(PipelineYamlLoader.Load($"name: p\n{header}\ntasks:\n  a: {{ source: files, output: a, with: {{ path: a.csv }} }}\n", "p.yaml", Path.GetTempPath()))!;

    private static DateTimeOffset Utc(int y, int m, int d, int h = 0, int min = 0) => new(y, m, d, h, min, 0, TimeSpan.Zero);

    [Fact]
    public void A_daily_run_is_due_at_its_cron_time_after_the_interval_ends()
    {
        var calendar = Calendar("schedule: \"0 2 * * *\"\nstart_date: 2024-03-01");

        Assert.Equal(Utc(2024, 3, 2, 2), calendar.DueAt(new DateOnly(2024, 3, 1)));
        Assert.Empty(calendar.DueBy(Utc(2024, 3, 2, 1, 59)));
        Assert.Equal([new DateOnly(2024, 3, 1)], calendar.DueBy(Utc(2024, 3, 2, 2)));
    }

    [Fact]
    public void Catch_up_lists_every_missed_interval_and_without_it_only_the_latest()
    {
        var on = Calendar("schedule: \"0 2 * * *\"\nstart_date: 2024-03-01");
        var off = Calendar("schedule: \"0 2 * * *\"\nstart_date: 2024-03-01\ncatchup: false");
        var now = Utc(2024, 3, 11, 3);

        Assert.Equal(10, on.DueBy(now).Count);
        Assert.Equal(new DateOnly(2024, 3, 10), on.DueBy(now)[^1]);
        Assert.Equal([new DateOnly(2024, 3, 10)], off.DueBy(now));
    }

    [Fact]
    public void End_date_stops_scheduling()
    {
        var calendar = Calendar("schedule: \"0 2 * * *\"\nstart_date: 2024-03-01\nend_date: 2024-03-03");

        Assert.Equal([new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 2), new DateOnly(2024, 3, 3)], calendar.DueBy(Utc(2024, 4, 1)));
    }

    [Fact]
    public void In_a_time_zone_the_interval_is_local_midnight_to_midnight_and_daylight_saving_is_handled()
    {
        var calendar = Calendar("schedule: \"30 2 * * *\"\ntimezone: Europe/Paris\nstart_date: 2024-03-29");

        // 02:30 does not exist in Paris on 2024-03-31 (clocks jump from 02:00 to 03:00): it fires at 03:00 local, 01:00 UTC.
        Assert.Equal(Utc(2024, 3, 31, 1, 0), calendar.DueAt(new DateOnly(2024, 3, 30)));
        // The day after, 02:30 CEST is 00:30 UTC.
        Assert.Equal(Utc(2024, 4, 1, 0, 30), calendar.DueAt(new DateOnly(2024, 3, 31)));
        // The interval of 2024-03-31 is 23 hours long.
        Assert.Equal(TimeSpan.FromHours(23), calendar.Interval(new DateOnly(2024, 3, 31)).End - calendar.Interval(new DateOnly(2024, 3, 31)).Start);
        // In October 02:30 happens twice (CEST, then CET): it fires once, at the first, 00:30 UTC.
        var autumn = Calendar("schedule: \"30 2 * * *\"\ntimezone: Europe/Paris\nstart_date: 2024-10-26");
        Assert.Equal(Utc(2024, 10, 27, 0, 30), autumn.DueAt(new DateOnly(2024, 10, 26)));
        Assert.Equal([new DateOnly(2024, 10, 26)], autumn.DueBy(Utc(2024, 10, 27, 1, 45)));
    }

    [Fact]
    public void Monthly_intervals_cover_whole_months_including_february_of_a_leap_year()
    {
        var calendar = Calendar("schedule: \"0 3 1 * *\"\ninterval: monthly\nstart_date: 2024-01-01");

        var due = calendar.DueBy(Utc(2024, 4, 15));
        var february = calendar.Interval(new DateOnly(2024, 2, 1));

        Assert.Equal([new DateOnly(2024, 1, 1), new DateOnly(2024, 2, 1), new DateOnly(2024, 3, 1)], due);
        Assert.Equal(Utc(2024, 3, 1), february.End);
        Assert.Equal(29, (february.End - february.Start).TotalDays);
        Assert.Equal(Utc(2024, 3, 1, 3), calendar.DueAt(new DateOnly(2024, 2, 1)));
    }

    [Fact]
    public void A_pipeline_without_a_schedule_has_no_calendar()
    {
        var pipeline = new PipelineDefinition { Name = "manual" };

        Assert.Null(ScheduleCalendar.For(pipeline));
    }
}
