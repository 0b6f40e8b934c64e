using System.Globalization;

namespace Sluice.Transforms.Steps;

/// <summary>
/// <c>outliers</c>: bounds from the IQR (quantiles with linear interpolation, pandas' default) times a
/// factor, or from a z-score (sample standard deviation, pandas' default), per group when asked.
/// Rows outside are removed, capped to the bounds, or flagged. Nulls are never outliers.
/// </summary>
internal sealed class OutliersStep : Step
{
    public required IReadOnlyList<string> Columns { get; init; }

    public required string Method { get; init; }

    public required double Factor { get; init; }

    public required string Action { get; init; }

    public IReadOnlyList<string> By { get; init; } = [];

    public override IEnumerable<string> ReferencedColumns => Columns.Concat(By);

    public override bool ReadsOnlyReferencedColumns => true;

    public static Step Parse(StepArguments args)
    {
        args.RejectUnknown("column", "columns", "method", "factor", "action", "by");
        var columns = args.Names("column").Concat(args.Names("columns")).ToList();
        if (columns.Count == 0)
        {
            args.Error("needs 'column' (or 'columns').");
        }

        var method = args.Choice("method", "iqr", "iqr", "zscore");
        return new OutliersStep
        {
            Name = args.Step,
            Location = args.Location,
            Columns = columns,
            Method = method,
            Factor = args.Number("factor", method == "iqr" ? 1.5 : 3.0),
            Action = args.Choice("action", "remove", "remove", "cap", "flag"),
            By = args.Names("by"),
        };
    }

    /// <summary>The bounds are one grouped pass over the input, joined back to it.</summary>
    protected override bool ReadsInputTwice(StepInput input) => true;

    public override string Compile(StepInput input)
    {
        // Statistics come from one grouped pass joined back, not from window functions, so a
        // 10-million-row column is scanned once per statistic instead of sorted per row.
        var factor = Factor.ToString("R", CultureInfo.InvariantCulture);
        var statistics = new List<string>();
        var bounds = new List<string>();
        foreach (var column in Columns)
        {
            var c = StepInput.Q(column);
            string Stat(string name) => $"s.{StepInput.Q($"__{name}_{column}")}";
            if (Method == "iqr")
            {
                statistics.Add($"quantile_cont({c}, 0.25) AS {StepInput.Q("__q1_" + column)}, quantile_cont({c}, 0.75) AS {StepInput.Q("__q3_" + column)}");
                bounds.Add($"{Stat("q1")} - {factor} * ({Stat("q3")} - {Stat("q1")}) AS {StepInput.Q("__low_" + column)}, {Stat("q3")} + {factor} * ({Stat("q3")} - {Stat("q1")}) AS {StepInput.Q("__high_" + column)}");
            }
            else
            {
                statistics.Add($"avg({c}) AS {StepInput.Q("__m_" + column)}, stddev_samp({c}) AS {StepInput.Q("__s_" + column)}");
                bounds.Add($"{Stat("m")} - {factor} * {Stat("s")} AS {StepInput.Q("__low_" + column)}, {Stat("m")} + {factor} * {Stat("s")} AS {StepInput.Q("__high_" + column)}");
            }
        }

        var groups = string.Join(", ", By.Select(StepInput.Q));
        var stats = By.Count == 0
            ? $"(SELECT {string.Join(", ", statistics)} FROM {input.Relation})"
            : $"(SELECT {groups}, {string.Join(", ", statistics)} FROM {input.Relation} GROUP BY {groups})";
        var join = By.Count == 0
            ? $"CROSS JOIN {stats} AS s"
            : $"LEFT JOIN {stats} AS s ON {string.Join(" AND ", By.Select(b => $"p.{StepInput.Q(b)} = s.{StepInput.Q(b)}"))}"; // a null group key is in no group: never an outlier, as in pandas
        var withBounds = $"(SELECT p.*, {string.Join(", ", bounds)} FROM {input.Relation} AS p {join})";
        var drop = string.Join(", ", Columns.SelectMany(c => new[] { StepInput.Q("__low_" + c), StepInput.Q("__high_" + c) }));
        string Outside(string column) =>
            $"({StepInput.Q(column)} < {StepInput.Q("__low_" + column)} OR {StepInput.Q(column)} > {StepInput.Q("__high_" + column)})";
        return Action switch
        {
            "remove" => $"SELECT * EXCLUDE ({drop}) FROM {withBounds} WHERE NOT ({string.Join(" OR ", Columns.Select(c => $"coalesce({Outside(c)}, false)"))})",
            "cap" => $"SELECT {input.SelectList(Columns.ToDictionary(c => c, c => Cap(c, input.TypeOf(c)), StringComparer.OrdinalIgnoreCase))} FROM {withBounds}",
            _ => $"SELECT * EXCLUDE ({drop}), {string.Join(", ", Columns.Select(c => $"coalesce({Outside(c)}, false) AS {StepInput.Q(c + "_is_outlier")}"))} FROM {withBounds}",
        };
    }

    private static string Cap(string column, string type)
    {
        var c = StepInput.Q(column);
        var expression = $"CASE WHEN {c} < {StepInput.Q("__low_" + column)} THEN {StepInput.Q("__low_" + column)} WHEN {c} > {StepInput.Q("__high_" + column)} THEN {StepInput.Q("__high_" + column)} ELSE {c} END";
        return type.StartsWith("DECIMAL", StringComparison.OrdinalIgnoreCase) ? $"CAST({expression} AS {type})" : expression;
    }
}
