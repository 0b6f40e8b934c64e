using System.Globalization;
using Sluice.Model;

namespace Sluice.Execution;

/// <summary>
/// Enforces a declared dataset's NULL rules (nullable: false, max_null_fraction) on what a task
/// staged, so a column that silently came out empty never reaches a sink.
/// </summary>
internal static class NullContract
{
    /// <summary>The declared columns whose NULLs must be counted.</summary>
    public static IReadOnlyList<ColumnDefinition> Constrained(DatasetDefinition declared) =>
        declared.Columns.Where(c => !c.Nullable || c.MaxNullFraction is not null).ToList();

    public static string? Violations(DatasetDefinition declared, IReadOnlyList<ColumnDefinition> constrained, NullCounts counts)
    {
        var problems = new List<string>();
        foreach (var column in constrained)
        {
            var nulls = counts.NullsByColumn.GetValueOrDefault(column.Name);
            if (nulls == 0 || counts.Rows == 0)
            {
                continue;
            }

            var where = column.Location ?? declared.Location;
            var fraction = (double)nulls / counts.Rows;
            if (!column.Nullable)
            {
                problems.Add($"column '{column.Name}' is declared nullable: false ({where}) but {nulls} of {counts.Rows} rows are NULL");
            }
            else if (fraction > column.MaxNullFraction)
            {
                problems.Add($"column '{column.Name}' has {nulls} of {counts.Rows} rows NULL, a fraction of {Format(fraction)} > max_null_fraction {Format(column.MaxNullFraction.Value)} ({where})");
            }
        }

        return problems.Count == 0
            ? null
            : $"dataset '{declared.Name}' breaks its declared NULL contract: {string.Join("; ", problems)}. Nothing was published; fix the source or its mapping, or relax the declaration.";
    }

    private static string Format(double fraction) => fraction.ToString("0.00####", CultureInfo.InvariantCulture);
}
