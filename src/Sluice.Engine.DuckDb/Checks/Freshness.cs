using System.Globalization;
using Sluice.Checks;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Engine.DuckDb.Checks;

/// <summary>
/// <c>freshness</c>: the newest value of a date or timestamp column must be at most <c>max_age</c> older
/// than the data interval's end. A timestamp without a time zone is read as wall-clock time in the
/// pipeline's time zone, as the interval is.
/// </summary>
internal static class Freshness
{
    public static CheckResult Evaluate(CheckDefinition check, object? newest, bool zoned, DataInterval interval)
    {
        var column = check.Columns[0];
        var maxAge = check.MaxAge!.Value;
        DateTimeOffset? at = newest switch
        {
            null => null,
            DateTimeOffset offset => offset,
            DateTime time when zoned => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Utc)),
            DateTime time => new DateTimeOffset(DateTime.SpecifyKind(time, DateTimeKind.Unspecified), interval.End.Offset),
            DateOnly date => new DateTimeOffset(date.ToDateTime(TimeOnly.MinValue), interval.End.Offset),
            _ => DateTimeOffset.TryParse(Convert.ToString(newest, CultureInfo.InvariantCulture), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var parsed) ? parsed : null,
        };
        if (at is null)
        {
            return newest is null
                ? new(check, CheckOutcome.Fail, "no values", $"{column} has no values, so the data's age is unknown")
                : new(check, CheckOutcome.Error, Convert.ToString(newest, CultureInfo.InvariantCulture), $"{column} is not a date or timestamp");
        }

        var age = interval.End - at.Value;
        var observed = $"newest {at.Value:yyyy-MM-dd HH:mm:ss zzz}, {Describe(age)} before the interval end {interval.End:yyyy-MM-dd HH:mm zzz}";
        return age <= maxAge
            ? new(check, CheckOutcome.Pass, observed, $"fresh within {Describe(maxAge)}")
            : new(check, CheckOutcome.Fail, observed, $"the newest {column} is {Describe(age)} old at the interval end, more than max_age {Describe(maxAge)}");
    }

    private static string Describe(TimeSpan span) =>
        span.TotalDays >= 1 ? $"{span.TotalDays:0.##}d" : span.TotalHours >= 1 ? $"{span.TotalHours:0.##}h" : $"{span.TotalMinutes:0.##}m";
}
