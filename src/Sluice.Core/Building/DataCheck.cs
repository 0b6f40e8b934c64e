using System.Globalization;
using Sluice.Model;

namespace Sluice.Building;

/// <summary>
/// The check types of docs/checks.md for <see cref="DatasetBuilder.Check"/> and <see cref="TaskBuilder.Check"/>,
/// with the same options and default names as YAML's <c>checks:</c>, so both describe the same model.
/// </summary>
public static class DataCheck
{
    /// <summary>Rows within [min, max], and/or within ratios of the median row count of the last <paramref name="history"/> intervals.</summary>
    public static CheckDefinition RowCount(long? min = null, long? max = null, double? minRatioOfMedian = null, double? maxRatioOfMedian = null, int history = 7) =>
        Named(new CheckDefinition
        {
            Type = "row_count",
            Name = string.Empty,
            Min = min?.ToString(CultureInfo.InvariantCulture),
            Max = max?.ToString(CultureInfo.InvariantCulture),
            MinRatioOfMedian = minRatioOfMedian,
            MaxRatioOfMedian = maxRatioOfMedian,
            History = history,
        });

    public static CheckDefinition NotNull(params string[] columns) => Of("not_null", columns);

    /// <summary>No two rows share the values of the columns together (rows with a NULL in any of them are not compared).</summary>
    public static CheckDefinition Unique(params string[] columns) => Of("unique", columns);

    public static CheckDefinition AcceptedValues(string column, params string[] values) => Of("accepted_values", [column]) with { Values = values };

    /// <summary>Inclusive bounds, written as literals of the column's type (numbers, dates, timestamps).</summary>
    public static CheckDefinition Range(string column, string? min = null, string? max = null) => Of("range", [column]) with { Min = min, Max = max };

    public static CheckDefinition Freshness(string column, TimeSpan maxAge) => Of("freshness", [column]) with { MaxAge = maxAge };

    /// <summary>Every non-NULL value of <paramref name="column"/> exists in <paramref name="to"/>.<paramref name="field"/> (default: the same name).</summary>
    public static CheckDefinition Relationships(string column, string to, string? field = null) =>
        Named(new CheckDefinition { Type = "relationships", Name = string.Empty, Columns = [column], OtherDataset = to, OtherColumn = field });

    public static CheckDefinition Reconcile(string with, string? sum = null, double tolerance = 0) =>
        Named(new CheckDefinition { Type = "reconcile", Name = string.Empty, OtherDataset = with, SumColumn = sum, Tolerance = tolerance });

    /// <summary>A query over the dataset (a view named after it) that must return no rows.</summary>
    public static CheckDefinition Sql(string query) => Named(new CheckDefinition { Type = "sql", Name = string.Empty, Sql = query });

    private static CheckDefinition Of(string type, IReadOnlyList<string> columns) =>
        Named(new CheckDefinition { Type = type, Name = string.Empty, Columns = columns });

    private static CheckDefinition Named(CheckDefinition check) => check with { Name = CheckDefinition.DefaultName(check) };
}
