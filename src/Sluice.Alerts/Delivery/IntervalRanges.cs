using System.Globalization;

namespace Sluice.Alerts.Delivery;

/// <summary>Lists dates compactly for people: consecutive days become one range, so 30 days read as one line.</summary>
internal static class IntervalRanges
{
    public static string Describe(IReadOnlyList<DateOnly> dates)
    {
        var ranges = new List<string>();
        var i = 0;
        while (i < dates.Count)
        {
            var end = i;
            while (end + 1 < dates.Count && dates[end + 1] == dates[end].AddDays(1))
            {
                end++;
            }

            ranges.Add(end == i ? Text(dates[i]) : $"{Text(dates[i])} to {Text(dates[end])}");
            i = end + 1;
        }

        return string.Join(", ", ranges);
    }

    public static string Text(DateOnly date) => date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
}
