using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Checks;

/// <summary>
/// Runs a dataset's declared checks and metrics over its staged Parquet file. The standard checks and
/// the metrics share one aggregate scan; <c>sql</c>, <c>relationships</c> and <c>reconcile</c> run their own
/// queries. Implemented over DuckDB by <c>Sluice.Engine.DuckDb.DuckDbCheckRunner</c>.
/// </summary>
public interface ICheckRunner
{
    Task<DatasetCheckReport> RunAsync(DatasetCheckRequest request, CancellationToken cancellationToken);

    /// <summary>
    /// Compiles a check's SQL or a metric's expression against an empty table of the dataset's declared
    /// columns, so a malformed query is reported by <c>sluice validate</c>; null when it compiles.
    /// </summary>
    Task<string?> ProbeAsync(DatasetDefinition dataset, string query, CancellationToken cancellationToken);
}

/// <summary>
/// What to check: the dataset, where its rows are staged, the staged paths of the other datasets its
/// checks name, the interval, and the row counts of earlier successful intervals (newest first).
/// </summary>
public sealed record DatasetCheckRequest(
    DatasetDefinition Dataset,
    string StagedPath,
    IReadOnlyDictionary<string, string> OtherDatasets,
    DataInterval Interval,
    IReadOnlyList<long> RowHistory);

public enum CheckOutcome
{
    Pass,
    Fail,

    /// <summary>The check could not be evaluated (its SQL does not compile, a named column is missing).</summary>
    Error,
}

/// <summary>One check's verdict: what was observed and, when it did not pass, why.</summary>
public sealed record CheckResult(CheckDefinition Check, CheckOutcome Outcome, string? Observed, string Message);

/// <summary>
/// Every check's result, the row count and each declared metric's value, and how many queries read the
/// staged data (one for all the standard checks and metrics together, plus one per other check).
/// </summary>
public sealed record DatasetCheckReport(long Rows, IReadOnlyList<CheckResult> Results, IReadOnlyList<(string Name, double? Value)> Metrics, int Scans);
