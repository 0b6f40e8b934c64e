using Sluice.Model;

namespace Sluice.Transforms.Steps;

/// <summary>
/// <c>join</c>: enrich with another input dataset (left or inner join) on key columns, reporting the
/// rows whose key found no match. Key types must agree; null keys never match (unlike pandas, which
/// matches NaN to NaN — a deliberate difference).
/// </summary>
internal sealed class JoinStep : Step
{
    public required string Dataset { get; init; }

    public required IReadOnlyList<(string Left, string Right)> Keys { get; init; }

    public required string How { get; init; }

    public IReadOnlyList<string> Select { get; init; } = [];

    public string OnUnmatched { get; init; } = "warn";

    public override IEnumerable<string> ReferencedColumns => Keys.Select(k => k.Left);

    public override IEnumerable<string> ReferencedDatasets => [Dataset];

    public static Step Parse(StepArguments args)
    {
        args.RejectUnknown("dataset", "on", "how", "select", "on_unmatched");
        var keys = args.Raw("on") switch
        {
            MapOption map => args.Pairs(map).Select(p => (p.Key, p.Value)).ToList(),
            _ => args.Names("on").Select(n => (n, n)).ToList(),
        };
        if (keys.Count == 0)
        {
            args.Error("needs 'on': the key column(s), or a mapping of left to right columns.");
        }

        return new JoinStep
        {
            Name = args.Step,
            Location = args.Location,
            Dataset = args.Required("dataset"),
            Keys = keys,
            How = args.Choice("how", "left", "left", "inner"),
            Select = args.Names("select"),
            OnUnmatched = args.Choice("on_unmatched", "warn", "warn", "fail", "ignore"),
        };
    }

    /// <summary>The right side's columns are checked by the transform, which knows the other dataset's schema.</summary>
    public IReadOnlyList<(string Name, string Type)> RightColumns { get; set; } = [];

    public override string Compile(StepInput input)
    {
        var right = StepInput.Q(Dataset);
        var keys = new HashSet<string>(Keys.Select(k => k.Right), StringComparer.OrdinalIgnoreCase);
        var taken = Select.Count > 0 ? Select : RightColumns.Select(c => c.Name).Where(c => !keys.Contains(c) && !StepInput.IsHidden(c)).ToList();
        var added = taken.Select(c => input.Has(c) ? $"r.{StepInput.Q(c)} AS {StepInput.Q(c + "_" + Dataset)}" : $"r.{StepInput.Q(c)}")
            .Append($"r.{StepInput.RowNumber} AS {StepInput.Q(MatchOrder(input))}"); // several matches keep the right side's order, as pandas
        var condition = string.Join(" AND ", Keys.Select(k => $"l.{StepInput.Q(k.Left)} = r.{StepInput.Q(k.Right)}"));
        var columns = string.Join(", ", new[] { "l.*" }.Concat(added));
        return $"SELECT {columns} FROM {input.Relation} AS l {(How == "inner" ? "INNER" : "LEFT")} JOIN {right} AS r ON {condition}";
    }

    /// <summary>The hidden column holding the matching right row's number (one per join step).</summary>
    private static string MatchOrder(StepInput input) => $"{StepInput.HiddenPrefix}match_{input.Relation}";

    public override IEnumerable<(string Message, string CountQuery, bool Fail)> Diagnostics(StepInput input)
    {
        if (OnUnmatched == "ignore")
        {
            yield break;
        }

        var condition = string.Join(" AND ", Keys.Select(k => $"l.{StepInput.Q(k.Left)} = r.{StepInput.Q(k.Right)}"));
        yield return (
            $"{Describe}: {{0}} row(s) found no match in '{Dataset}' on {string.Join(", ", Keys.Select(k => k.Left))}{(OnUnmatched == "fail" ? " (on_unmatched: fail)" : How == "inner" ? " and were dropped by the inner join" : string.Empty)}",
            $"SELECT count(*) FROM {input.Relation} AS l WHERE NOT EXISTS (SELECT 1 FROM {StepInput.Q(Dataset)} AS r WHERE {condition})",
            OnUnmatched == "fail");
    }
}
