using System.Globalization;
using Sluice.Checks;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Engine.DuckDb.Checks;

/// <summary>
/// Compiles a dataset's standard checks (but unique, see <see cref="UniqueKeys"/>) and metrics into
/// the select list of ONE aggregate query (count(*), count(col), count(*) FILTER (...), min/max, the
/// metrics' expressions), so a dataset is read once however many of them it declares. Each check
/// keeps the positions of its values and turns the result row into its verdict.
/// </summary>
internal sealed class AggregateScan(string relation, IReadOnlyList<(string Name, string Type)> columns)
{
    private readonly List<string> _items = ["count(*)"];
    private readonly List<SqlParameterValue> _parameters = [];
    private readonly List<Func<object?[], long, CheckResult>> _verdicts = [];
    private readonly List<(string Name, int Index)> _metrics = [];

    public int Checks => _verdicts.Count;

    public string Sql => $"SELECT {string.Join(", ", _items)} FROM {relation}";

    public IReadOnlyList<SqlParameterValue> Parameters => _parameters;

    public IEnumerable<CheckResult> Verdicts(object?[] row) => _verdicts.Select(v => v(row, Long(row[0])));

    public IEnumerable<(string Name, double? Value)> Metrics(object?[] row) =>
        _metrics.Select(m => (m.Name, row[m.Index] is null ? (double?)null : Convert.ToDouble(row[m.Index], CultureInfo.InvariantCulture)));

    public void AddMetric(MetricDefinition metric) =>
        _metrics.Add((metric.Name, Add($"CAST(({metric.Expression}\n) AS DOUBLE)")));

    /// <summary>reconcile's sum over this dataset, read in the same scan.</summary>
    public int AddSum(string column) => Add($"sum({Q(column)})");

    public void Add(CheckDefinition check, DatasetCheckRequest request)
    {
        switch (check.Type)
        {
            case "row_count": _verdicts.Add((_, rows) => RowCount.Evaluate(check, rows, request.RowHistory)); break;
            case "not_null": AddNotNull(check); break;
            case "accepted_values": AddAcceptedValues(check); break;
            case "range": AddRange(check); break;
            case "freshness": AddFreshness(check, request); break;
            default: throw new InvalidOperationException($"check type '{check.Type}' has no aggregate form");
        }
    }

    private void AddNotNull(CheckDefinition check)
    {
        var counts = check.Columns.Select(c => (Column: c, Index: Add($"count(*) - count({Q(c)})"))).ToList();
        _verdicts.Add((row, rows) =>
        {
            var nulls = counts.Select(c => (c.Column, Nulls: Long(row[c.Index]))).ToList();
            var observed = string.Join(", ", nulls.Select(n => $"{n.Column}: {n.Nulls} NULL of {rows}"));
            var bad = nulls.Where(n => n.Nulls > 0).ToList();
            return bad.Count == 0
                ? new(check, CheckOutcome.Pass, observed, "no NULLs")
                : new(check, CheckOutcome.Fail, observed, string.Join("; ", bad.Select(b => $"{b.Nulls} of {rows} rows have no {b.Column}")));
        });
    }

    private void AddAcceptedValues(CheckDefinition check)
    {
        var column = Q(check.Columns[0]);
        var values = string.Join(", ", check.Values.Select(Parameter));
        var outside = $"{column} IS NOT NULL AND CAST({column} AS VARCHAR) NOT IN ({values})";
        var count = Add($"count(*) FILTER (WHERE {outside})");
        var example = Add($"min(CAST({column} AS VARCHAR)) FILTER (WHERE {outside})");
        _verdicts.Add((row, rows) =>
        {
            var bad = Long(row[count]);
            return bad == 0
                ? new(check, CheckOutcome.Pass, $"0 of {rows} rows outside the accepted values", "all values accepted")
                : new(check, CheckOutcome.Fail, $"{bad} of {rows} rows outside the accepted values, e.g. '{row[example]}'",
                    $"{bad} row(s) have a {check.Columns[0]} outside [{string.Join(", ", check.Values)}], e.g. '{row[example]}'");
        });
    }

    private void AddRange(CheckDefinition check)
    {
        var column = Q(check.Columns[0]);
        var type = TypeOf(check.Columns[0]);
        var conditions = new List<string>();
        if (check.Min is { } min)
        {
            conditions.Add($"{column} < CAST({Parameter(min)} AS {type})");
        }

        if (check.Max is { } max)
        {
            conditions.Add($"{column} > CAST({Parameter(max)} AS {type})");
        }

        var count = Add($"count(*) FILTER (WHERE {string.Join(" OR ", conditions)})");
        var low = Add($"CAST(min({column}) AS VARCHAR)");
        var high = Add($"CAST(max({column}) AS VARCHAR)");
        var bounds = $"[{check.Min ?? "-∞"}, {check.Max ?? "∞"}]";
        _verdicts.Add((row, rows) =>
        {
            var bad = Long(row[count]);
            var observed = $"min {row[low] ?? "NULL"}, max {row[high] ?? "NULL"}; {bad} of {rows} rows outside {bounds}";
            return bad == 0
                ? new(check, CheckOutcome.Pass, observed, $"every {check.Columns[0]} within {bounds}")
                : new(check, CheckOutcome.Fail, observed, $"{bad} row(s) have a {check.Columns[0]} outside {bounds} (min {row[low]}, max {row[high]})");
        });
    }

    private void AddFreshness(CheckDefinition check, DatasetCheckRequest request)
    {
        var newest = Add($"max({Q(check.Columns[0])})");
        var zoned = TypeOf(check.Columns[0]).Contains("TIME ZONE", StringComparison.OrdinalIgnoreCase);
        _verdicts.Add((row, _) => Freshness.Evaluate(check, row[newest], zoned, request.Interval));
    }

    private int Add(string item)
    {
        _items.Add(item);
        return _items.Count - 1;
    }

    private string Parameter(string value)
    {
        var name = "c" + _parameters.Count.ToString(CultureInfo.InvariantCulture);
        _parameters.Add(new SqlParameterValue(name, value));
        return DuckDbSession.Placeholder(name);
    }

    private string TypeOf(string column) =>
        columns.FirstOrDefault(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase)).Type ?? "VARCHAR";

    private static string Q(string name) => SqlText.Identifier(name);

    internal static long Long(object? value) => value is null ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
}
