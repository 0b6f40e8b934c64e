using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Transforms.Steps;

/// <summary>
/// <c>aggregate</c>, as pandas <c>groupby(...).agg(...)</c>: group by columns and an optional time
/// bucket; rows with a null group key are dropped and groups come out sorted, as pandas does by
/// default; <c>sum</c> of no values is 0, as in pandas.
/// </summary>
internal sealed partial class AggregateStep : Step
{
    public required IReadOnlyList<string> By { get; init; }

    public (string Column, string Unit, string As)? Bucket { get; init; }

    public required IReadOnlyList<(string Name, string Function, string Column, double? Argument)> Metrics { get; init; }

    public bool KeepNullGroups { get; init; }

    public override IEnumerable<string> ReferencedColumns =>
        By.Concat(Metrics.Where(m => m.Column != "*").Select(m => m.Column)).Concat(Bucket is { } b ? [b.Column] : []);

    public override bool ReadsOnlyReferencedColumns => true;

    public override bool KeepsOnlyReferencedColumns => true;

    public static Step Parse(StepArguments args)
    {
        args.RejectUnknown("by", "time_bucket", "metrics", "keep_null_groups");
        (string, string, string)? bucket = null;
        if (args.Raw("time_bucket") is Model.MapOption b)
        {
            foreach (var (key, option) in b.Entries.Where(e => e.Key is not ("column" or "unit" or "as")))
            {
                args.Error("time_bucket: " + Validation.Suggestions.UnknownName("option", key, ["column", "unit", "as"]), option.KeyLocation ?? option.Location);
            }

            var column = (b.Find("column") as Model.ScalarOption)?.Value ?? string.Empty;
            if (column.Length == 0)
            {
                args.Error("time_bucket needs 'column', the timestamp or date to bucket, e.g. { column: order_ts, unit: day }.", b.Location);
            }

            var unit = (b.Find("unit") as Model.ScalarOption)?.Value ?? "day";
            if (unit is not ("hour" or "day" or "week" or "month" or "quarter" or "year"))
            {
                args.Error($"time_bucket unit must be one of: hour, day, week, month, quarter, year (got '{unit}').", b.Location);
            }

            bucket = (column, unit, (b.Find("as") as Model.ScalarOption)?.Value ?? unit);
        }
        else if (args.Raw("time_bucket") is { } other)
        {
            args.Error("time_bucket must be a mapping, e.g. { column: order_ts, unit: day }.", other.Location);
        }

        var metrics = new List<(string, string, string, double?)>();
        var specs = args.Pairs(args.Raw("metrics") as Model.MapOption);
        foreach (var (name, spec, at) in specs)
        {
            var match = Metric().Match(spec.Trim());
            var function = match.Success ? match.Groups[1].Value.ToLowerInvariant() : string.Empty;
            if (!match.Success || !Functions.Contains(function))
            {
                args.Error($"metric '{name}': '{spec}' is not one of {string.Join(", ", Functions.Select(f => f + "(column)"))}, percentile(column, 0.95), count(*).", at);
                continue;
            }

            double? argument = null;
            if (match.Groups[3].Success)
            {
                if (function != "percentile" || !double.TryParse(match.Groups[3].Value, NumberStyles.Float, CultureInfo.InvariantCulture, out var p) || p is < 0 or > 1)
                {
                    args.Error($"metric '{name}': '{spec}' takes a fraction between 0 and 1 only with percentile, e.g. percentile(amount, 0.95).", at);
                    continue;
                }

                argument = p;
            }

            metrics.Add((name, function, match.Groups[2].Value.Trim(), argument));
        }

        if (specs.Count == 0)
        {
            args.Error("needs 'metrics', e.g. { revenue: sum(amount), orders: count(*), customers: count_distinct(customer_id) }.");
        }

        return new AggregateStep { Name = args.Step, Location = args.Location, By = args.Names("by"), Bucket = bucket, Metrics = metrics, KeepNullGroups = args.Flag("keep_null_groups", false) };
    }

    private static readonly HashSet<string> IntegerTypes = new(StringComparer.OrdinalIgnoreCase) { "TINYINT", "SMALLINT", "INTEGER", "BIGINT", "UTINYINT", "USMALLINT", "UINTEGER" };

    private static readonly string[] Functions = ["sum", "count", "count_distinct", "nunique", "mean", "avg", "min", "max", "median", "percentile", "std"];

    public override string Compile(StepInput input)
    {
        var keys = By.Select(b => (Expression: StepInput.Q(b), Name: b)).ToList();
        if (Bucket is { } bucket)
        {
            keys.Add(($"date_trunc('{bucket.Unit}', {StepInput.Q(bucket.Column)})", bucket.As)); // unit is one of a closed set, checked at parse time
        }

        var metrics = Metrics.Select(m => $"{Aggregate(m.Function, m.Column, m.Argument, m.Column == "*" ? null : input.TypeOf(m.Column))} AS {StepInput.Q(m.Name)}");
        var select = keys.Select(k => $"{k.Expression} AS {StepInput.Q(k.Name)}").Concat(metrics);
        var where = KeepNullGroups || keys.Count == 0 ? string.Empty : " WHERE " + string.Join(" AND ", keys.Select(k => $"{k.Expression} IS NOT NULL"));
        var group = keys.Count == 0 ? string.Empty : " GROUP BY ALL";
        var grouped = $"SELECT {string.Join(", ", select)} FROM {input.Relation}{where}{group}";
        var order = keys.Count == 0 ? "NULL" : string.Join(", ", keys.Select(k => $"{StepInput.Q(k.Name)} NULLS LAST"));
        return $"SELECT *, row_number() OVER (ORDER BY {order}) AS {StepInput.RowNumber} FROM ({grouped})";
    }

    private static string Aggregate(string function, string column, double? argument, string? type)
    {
        var c = column == "*" ? "*" : StepInput.Q(column);
        return function switch
        {
            // DuckDB sums integers into HUGEINT, which Parquet stores as DOUBLE; pandas keeps int64.
            "sum" when type is not null && IntegerTypes.Contains(type) => $"CAST(coalesce(sum({c}), 0) AS BIGINT)",
            "sum" => $"coalesce(sum({c}), 0)",
            "count" => $"count({c})",
            "count_distinct" or "nunique" => $"count(DISTINCT {c})",
            "mean" or "avg" => $"avg({c})",
            "median" => $"median({c})",
            "percentile" => $"quantile_cont({c}, {(argument ?? 0.5).ToString("R", CultureInfo.InvariantCulture)})",
            "std" => $"stddev_samp({c})",
            _ => $"{function}({c})",
        };
    }

    [GeneratedRegex(@"^([A-Za-z_]+)\(\s*(\*|[^,()]+?)\s*(?:,\s*([0-9.]+)\s*)?\)$")]
    private static partial Regex Metric();
}
