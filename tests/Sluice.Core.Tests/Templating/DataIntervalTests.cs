using Sluice.Templating;

namespace Sluice.Core.Tests.Templating;

/// <summary>What one run covers: from midnight of its logical date, in the pipeline's time zone, to the next interval.</summary>
public sealed class DataIntervalTests
{
    private static readonly TimeSpan ParisWinter = TimeSpan.FromHours(1);
    private static readonly TimeSpan ParisSummer = TimeSpan.FromHours(2);

    [Fact]
    public void A_utc_day_runs_from_midnight_to_midnight()
    {
        var interval = DataInterval.For(new DateOnly(2024, 3, 1), IntervalUnit.Day, "UTC");

        Assert.Equal(new DateOnly(2024, 3, 1), interval.LogicalDate);
        Assert.Equal(new DateTimeOffset(2024, 3, 1, 0, 0, 0, TimeSpan.Zero), interval.Start);
        Assert.Equal(new DateTimeOffset(2024, 3, 2, 0, 0, 0, TimeSpan.Zero), interval.End);
        Assert.Equal(TimeSpan.Zero, interval.Start.Offset);
    }

    [Fact]
    public void A_paris_winter_day_starts_at_local_midnight_which_is_23h_utc_the_day_before()
    {
        var interval = DataInterval.For(new DateOnly(2024, 1, 15), IntervalUnit.Day, "Europe/Paris");

        Assert.Equal(new DateTimeOffset(2024, 1, 15, 0, 0, 0, ParisWinter), interval.Start);
        Assert.Equal(ParisWinter, interval.Start.Offset);
        Assert.Equal(new DateTime(2024, 1, 14, 23, 0, 0, DateTimeKind.Utc), interval.Start.UtcDateTime);
        Assert.Equal(new DateTimeOffset(2024, 1, 16, 0, 0, 0, ParisWinter), interval.End);
    }

    [Fact]
    public void A_paris_summer_day_uses_the_summer_offset()
    {
        var interval = DataInterval.For(new DateOnly(2024, 7, 14), IntervalUnit.Day, "Europe/Paris");

        Assert.Equal(ParisSummer, interval.Start.Offset);
        Assert.Equal(new DateTime(2024, 7, 13, 22, 0, 0, DateTimeKind.Utc), interval.Start.UtcDateTime);
    }

    [Fact]
    public void The_spring_forward_day_in_paris_lasts_23_hours()
    {
        var interval = DataInterval.For(new DateOnly(2024, 3, 31), IntervalUnit.Day, "Europe/Paris");

        Assert.Equal(new DateTimeOffset(2024, 3, 31, 0, 0, 0, ParisWinter), interval.Start);
        Assert.Equal(new DateTimeOffset(2024, 4, 1, 0, 0, 0, ParisSummer), interval.End);
        Assert.Equal(TimeSpan.FromHours(23), interval.End - interval.Start);
    }

    [Fact]
    public void The_fall_back_day_in_paris_lasts_25_hours()
    {
        var interval = DataInterval.For(new DateOnly(2024, 10, 27), IntervalUnit.Day, "Europe/Paris");

        Assert.Equal(ParisSummer, interval.Start.Offset);
        Assert.Equal(ParisWinter, interval.End.Offset);
        Assert.Equal(TimeSpan.FromHours(25), interval.End - interval.Start);
    }

    [Fact]
    public void A_week_lasts_seven_days_from_the_logical_date()
    {
        var interval = DataInterval.For(new DateOnly(2024, 3, 4), IntervalUnit.Week, "UTC");

        Assert.Equal(new DateTimeOffset(2024, 3, 4, 0, 0, 0, TimeSpan.Zero), interval.Start);
        Assert.Equal(new DateTimeOffset(2024, 3, 11, 0, 0, 0, TimeSpan.Zero), interval.End);
    }

    [Theory]
    [InlineData(2024, 29)]
    [InlineData(2023, 28)]
    public void February_lasts_until_the_first_of_march(int year, int days)
    {
        var interval = DataInterval.For(new DateOnly(year, 2, 1), IntervalUnit.Month, "UTC");

        Assert.Equal(new DateTimeOffset(year, 3, 1, 0, 0, 0, TimeSpan.Zero), interval.End);
        Assert.Equal(TimeSpan.FromDays(days), interval.End - interval.Start);
    }

    [Fact]
    public void A_paris_month_crossing_the_dst_change_ends_at_local_midnight()
    {
        var interval = DataInterval.For(new DateOnly(2024, 3, 1), IntervalUnit.Month, "Europe/Paris");

        Assert.Equal(new DateTimeOffset(2024, 4, 1, 0, 0, 0, ParisSummer), interval.End);
        Assert.Equal(TimeSpan.FromDays(31) - TimeSpan.FromHours(1), interval.End - interval.Start);
    }

    [Fact]
    public void Consecutive_days_touch_without_gap_or_overlap()
    {
        var first = DataInterval.For(new DateOnly(2024, 3, 30), IntervalUnit.Day, "Europe/Paris");
        var second = DataInterval.For(new DateOnly(2024, 3, 31), IntervalUnit.Day, "Europe/Paris");

        Assert.Equal(first.End, second.Start);
    }

    [Fact]
    public void Daily_dates_include_both_ends_and_the_leap_day()
    {
        var dates = DataInterval.Dates(new DateOnly(2024, 2, 27), new DateOnly(2024, 3, 2), IntervalUnit.Day);

        Assert.Equal(
            [new DateOnly(2024, 2, 27), new DateOnly(2024, 2, 28), new DateOnly(2024, 2, 29), new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 2)],
            dates);
    }

    [Fact]
    public void Weekly_dates_step_seven_days_and_stop_at_the_last_date()
    {
        var dates = DataInterval.Dates(new DateOnly(2024, 3, 4), new DateOnly(2024, 3, 24), IntervalUnit.Week);

        Assert.Equal([new DateOnly(2024, 3, 4), new DateOnly(2024, 3, 11), new DateOnly(2024, 3, 18)], dates);
    }

    [Fact]
    public void Monthly_dates_step_one_calendar_month()
    {
        var dates = DataInterval.Dates(new DateOnly(2023, 12, 1), new DateOnly(2024, 3, 1), IntervalUnit.Month);

        Assert.Equal([new DateOnly(2023, 12, 1), new DateOnly(2024, 1, 1), new DateOnly(2024, 2, 1), new DateOnly(2024, 3, 1)], dates);
    }

    [Fact]
    public void Dates_are_empty_when_the_last_date_is_before_the_first()
    {
        Assert.Empty(DataInterval.Dates(new DateOnly(2024, 3, 2), new DateOnly(2024, 3, 1), IntervalUnit.Day));
    }

    [Fact]
    public void A_single_day_range_has_one_date()
    {
        Assert.Equal([new DateOnly(2024, 3, 1)], DataInterval.Dates(new DateOnly(2024, 3, 1), new DateOnly(2024, 3, 1), IntervalUnit.Day));
    }
}
