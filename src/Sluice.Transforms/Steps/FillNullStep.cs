using Sluice.Model;

namespace Sluice.Transforms.Steps;

/// <summary>
/// <c>fill_null</c>, as pandas <c>fillna</c>: per column a constant, or a strategy computed from the
/// column's non-null values (mean, median, mode — the smallest of the most frequent, as
/// <c>mode()[0]</c>), or the previous/next non-null value in row order (ffill/bfill), optionally per group.
/// </summary>
internal sealed class FillNullStep : Step
{
    private static readonly string[] Strategies = ["value", "previous", "next", "mean", "median", "mode"];

    public required IReadOnlyList<(string Column, string Strategy, string? Value)> Fills { get; init; }

    public IReadOnlyList<string> By { get; init; } = [];

    public override IEnumerable<string> ReferencedColumns => Fills.Select(f => f.Column).Concat(By);

    public override bool ReadsOnlyReferencedColumns => true;

    /// <summary>Constants only: a plain projection. Statistics and previous/next read other rows.</summary>
    public override bool KeepsRowOrder => Fills.All(f => f.Strategy == "value");

    /// <summary>ffill and bfill take the neighbouring row's value.</summary>
    public override bool NeedsInputOrder => Fills.Any(f => f.Strategy is "previous" or "next");

    public static Step Parse(StepArguments args)
    {
        var fills = new List<(string, string, string?)>();
        var by = args.Names("by");
        foreach (var (column, option) in args.Map?.Entries ?? [])
        {
            if (column == "by")
            {
                continue;
            }

            switch (option)
            {
                case ScalarOption scalar:
                    fills.Add((column, "value", scalar.Value));
                    break;
                case MapOption map:
                    var strategy = (map.Find("strategy") as ScalarOption)?.Value ?? (map.Find("value") is not null ? "value" : null);
                    if (strategy is null || !Strategies.Contains(strategy))
                    {
                        args.Error($"column '{column}' needs 'value: ...' or 'strategy:' one of {string.Join(", ", Strategies.Skip(1))} (got '{strategy}').", option.Location);
                        continue;
                    }

                    fills.Add((column, strategy, (map.Find("value") as ScalarOption)?.Value));
                    break;
                default:
                    args.Error($"column '{column}' needs a value or a strategy.", option.Location);
                    break;
            }
        }

        if (fills.Count == 0 && (args.Map?.Entries.All(e => e.Key == "by") ?? true))
        {
            args.Error("names no column to fill; write 'column: value' or 'column: { strategy: median }'.");
        }

        return new FillNullStep { Name = args.Step, Location = args.Location, Fills = fills, By = by };
    }

    public override string Compile(StepInput input)
    {
        var partition = By.Count == 0 ? string.Empty : "PARTITION BY " + string.Join(", ", By.Select(StepInput.Q));
        var replaced = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (column, strategy, value) in Fills)
        {
            var c = StepInput.Q(column);
            var type = input.TypeOf(column);
            var statistic = strategy switch
            {
                "value" => $"CAST({input.Values.Bind(value ?? string.Empty)} AS {type})",
                "previous" => $"last_value({c} IGNORE NULLS) OVER ({partition} ORDER BY {input.RowOrder()} ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING)",
                "next" => $"first_value({c} IGNORE NULLS) OVER ({partition} ORDER BY {input.RowOrder()} ROWS BETWEEN 1 FOLLOWING AND UNBOUNDED FOLLOWING)",
                "mean" => KeepNumericType(By.Count == 0 ? $"(SELECT avg({c}) FROM {input.Relation})" : $"avg({c}) OVER ({partition})", type),
                "median" => KeepNumericType(By.Count == 0 ? $"(SELECT median({c}) FROM {input.Relation})" : $"median({c}) OVER ({partition})", type),
                _ => Mode(input, column),
            };
            replaced[column] = $"coalesce({c}, {(strategy == "value" ? statistic : InGroup(statistic))})";
        }

        return $"SELECT {input.SelectList(replaced)} FROM {input.Relation}";
    }

    /// <summary>A mean, median or mode over the whole column is a scalar subquery over the input; a mode per group too.</summary>
    protected override bool ReadsInputTwice(StepInput input) =>
        Fills.Any(f => f.Strategy == "mode" || (By.Count == 0 && f.Strategy is "mean" or "median"));

    /// <summary>A constant that does not convert to its column's type fails the task before anything is written.</summary>
    public override IEnumerable<(string Message, string CountQuery, bool Fail)> Checks(StepInput input)
    {
        foreach (var (column, _, value) in Fills.Where(f => f.Strategy == "value"))
        {
            var type = input.TypeOf(column);
            yield return (
                $"{Describe}: the fill value '{Escape(value ?? string.Empty)}' for column '{column}' cannot be converted to {type}",
                $"SELECT count(*) FROM (SELECT 1) WHERE TRY_CAST({input.Values.Bind(value ?? string.Empty)} AS {type}) IS NULL",
                true);
        }
    }

    private static string Escape(string text) => text.Replace("{", "{{", StringComparison.Ordinal).Replace("}", "}}", StringComparison.Ordinal);

    /// <summary>
    /// A row whose group key is null belongs to no group and is not filled, as pandas'
    /// <c>groupby(...).transform</c> and <c>groupby(...).ffill()</c> leave it (and as <c>aggregate</c> drops it).
    /// </summary>
    private string InGroup(string statistic) =>
        By.Count == 0 ? statistic : $"CASE WHEN {string.Join(" OR ", By.Select(b => $"{StepInput.Q(b)} IS NULL"))} THEN NULL ELSE {statistic} END";

    /// <summary>A DECIMAL column stays DECIMAL (rounded to its scale); integers become DOUBLE, as pandas makes them float.</summary>
    private static string KeepNumericType(string statistic, string type) =>
        type.StartsWith("DECIMAL", StringComparison.OrdinalIgnoreCase) ? $"CAST({statistic} AS {type})" : statistic;

    private string Mode(StepInput input, string column)
    {
        var c = StepInput.Q(column);
        var match = string.Join(" AND ", By.Select(b => $"m.{StepInput.Q(b)} = {input.Relation}.{StepInput.Q(b)}"));
        var where = By.Count == 0 ? string.Empty : $" AND {match}";
        return $"(SELECT m.{c} FROM {input.Relation} AS m WHERE m.{c} IS NOT NULL{where} GROUP BY m.{c} ORDER BY count(*) DESC, m.{c} LIMIT 1)";
    }
}
