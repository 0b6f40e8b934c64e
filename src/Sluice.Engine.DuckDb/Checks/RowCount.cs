using System.Globalization;
using Sluice.Checks;
using Sluice.Model;

namespace Sluice.Engine.DuckDb.Checks;

/// <summary><c>row_count</c>: absolute bounds, and bounds relative to the median of earlier intervals.</summary>
internal static class RowCount
{
    public static CheckResult Evaluate(CheckDefinition check, long rows, IReadOnlyList<long> history)
    {
        var relative = check.MinRatioOfMedian is not null || check.MaxRatioOfMedian is not null;
        var median = history.Count == 0 ? (double?)null : Median(history);
        var observed = $"{rows} rows" + (relative
            ? median is { } m ? $"; median {Format(m)} over the last {history.Count} interval(s)" : "; no earlier intervals yet"
            : string.Empty);
        var problems = new List<string>();
        if (check.Min is { } min && rows < long.Parse(min, CultureInfo.InvariantCulture))
        {
            problems.Add($"{rows} rows is below min {min}");
        }

        if (check.Max is { } max && rows > long.Parse(max, CultureInfo.InvariantCulture))
        {
            problems.Add($"{rows} rows is above max {max}");
        }

        if (median is { } med)
        {
            if (check.MinRatioOfMedian is { } low && rows < low * med)
            {
                problems.Add($"{rows} rows is below {Format(low)} × the median {Format(med)} of the last {history.Count} interval(s)");
            }

            if (check.MaxRatioOfMedian is { } high && rows > high * med)
            {
                problems.Add($"{rows} rows is above {Format(high)} × the median {Format(med)} of the last {history.Count} interval(s)");
            }
        }

        return problems.Count == 0
            ? new(check, CheckOutcome.Pass, observed, "row count within bounds")
            : new(check, CheckOutcome.Fail, observed, string.Join("; ", problems));
    }

    private static double Median(IReadOnlyList<long> values)
    {
        var sorted = values.Order().ToList();
        var middle = sorted.Count / 2;
        return sorted.Count % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2.0;
    }

    private static string Format(double value) => value.ToString("0.####", CultureInfo.InvariantCulture);
}
