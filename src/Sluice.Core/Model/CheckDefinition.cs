namespace Sluice.Model;

/// <summary>What a failing check does: <c>error</c> fails the task before its data is published; <c>warn</c> logs and goes on.</summary>
public enum CheckSeverity
{
    Error,
    Warn,
}

/// <summary>
/// One data check declared on a dataset (<c>checks:</c>). One record holds every check type's options;
/// each type reads the ones it documents (see docs/checks.md) and the loader refuses the others.
/// </summary>
public sealed record CheckDefinition
{
    /// <summary>row_count, not_null, unique, accepted_values, range, freshness, relationships, reconcile or sql.</summary>
    public required string Type { get; init; }

    /// <summary>The name events and <c>sluice checks</c> show, unique within the dataset, e.g. <c>not_null(order_id)</c>.</summary>
    public required string Name { get; init; }

    public CheckSeverity Severity { get; init; } = CheckSeverity.Error;

    /// <summary>The columns checked: one for accepted_values, range, freshness and relationships; one or more for not_null and unique.</summary>
    public IReadOnlyList<string> Columns { get; init; } = [];

    /// <summary>accepted_values: the allowed values, compared as text.</summary>
    public IReadOnlyList<string> Values { get; init; } = [];

    /// <summary>row_count (a number) and range (a literal cast to the column's type) bounds, inclusive.</summary>
    public string? Min { get; init; }

    public string? Max { get; init; }

    /// <summary>row_count: bounds relative to the median row count of the last <see cref="History"/> successful intervals.</summary>
    public double? MinRatioOfMedian { get; init; }

    public double? MaxRatioOfMedian { get; init; }

    public int History { get; init; } = 7;

    /// <summary>freshness: the newest value must be at most this old at the data interval's end.</summary>
    public TimeSpan? MaxAge { get; init; }

    /// <summary>relationships (<c>to</c>) and reconcile (<c>with</c>): the other dataset of the same run.</summary>
    public string? OtherDataset { get; init; }

    /// <summary>relationships: the key column of the other dataset (default: the same name as the checked column).</summary>
    public string? OtherColumn { get; init; }

    /// <summary>reconcile: a column whose sum must also agree.</summary>
    public string? SumColumn { get; init; }

    /// <summary>reconcile: the largest relative difference accepted (0.01 = 1%).</summary>
    public double Tolerance { get; init; }

    /// <summary>sql: a query over the dataset (a view named after it) that must return no rows.</summary>
    public string? Sql { get; init; }

    public SourceLocation Location { get; init; } = SourceLocation.Code("<code>");

    /// <summary>Where each option was written, so an error points at the misspelt column rather than the check.</summary>
    public IReadOnlyDictionary<string, SourceLocation> OptionLocations { get; init; } = new Dictionary<string, SourceLocation>();

    public SourceLocation LocationOf(string option) => OptionLocations.GetValueOrDefault(option) ?? Location;

    /// <summary>Checks whose observations all come from the one aggregate scan of the dataset.</summary>
    public bool IsStandard => Type is not ("sql" or "relationships" or "reconcile");

    /// <summary>The name a check gets when none is given: its type and columns, e.g. <c>unique(order_id)</c>.</summary>
    public static string DefaultName(CheckDefinition check)
    {
        var columns = string.Join(",", check.Columns);
        return check.Type switch
        {
            "row_count" or "sql" => check.Type,
            "relationships" => $"relationships({columns}->{check.OtherDataset}.{check.OtherColumn ?? columns})",
            "reconcile" => $"reconcile({check.OtherDataset})",
            _ => $"{check.Type}({columns})",
        };
    }

    public static IReadOnlyList<string> Types { get; } =
        ["row_count", "not_null", "unique", "accepted_values", "range", "freshness", "relationships", "reconcile", "sql"];
}

/// <summary>A declared metric (<c>metrics: { revenue: sum(amount) }</c>): a DuckDB aggregate computed in the checks' scan.</summary>
public sealed record MetricDefinition(string Name, string Expression)
{
    public SourceLocation Location { get; init; } = SourceLocation.Code("<code>");
}
