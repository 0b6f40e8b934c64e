using Sluice.Engine.DuckDb;

namespace Sluice.Transforms.Steps;

/// <summary>
/// <c>map_values</c>: replace category spellings through a mapping, matched case-insensitively after
/// trimming by default. Unmapped values are kept (quietly: keeping them is what the user asked
/// for), nulled (as pandas <c>map</c>) or defaulted; <c>warn</c> keeps them and reports their count
/// in the run log, <c>fail</c> fails the task when there are any.
/// </summary>
internal sealed class MapValuesStep : Step
{
    public required string Column { get; init; }

    public required IReadOnlyList<(string From, string To)> Mapping { get; init; }

    public bool IgnoreCase { get; init; } = true;

    public string Unmapped { get; init; } = "keep";

    public string? Default { get; init; }

    public string? Output { get; init; }

    public override IEnumerable<string> ReferencedColumns => [Column];

    // A new output column would meet a column of that name left out of a stored copy, and not fail as it should.
    public override bool ReadsOnlyReferencedColumns => Output is null || string.Equals(Output, Column, StringComparison.OrdinalIgnoreCase);

    public override bool KeepsRowOrder => true;

    public static Step Parse(StepArguments args)
    {
        args.RejectUnknown("column", "mapping", "ignore_case", "unmapped", "default", "output");
        var mapping = args.Pairs(args.Raw("mapping") as Model.MapOption).Select(p => (p.Key, p.Value)).ToList();
        if (mapping.Count == 0)
        {
            args.Error("needs a non-empty 'mapping' of values to replacements.");
        }

        var @default = args.Text("default");
        var unmapped = args.Choice("unmapped", @default is null ? "keep" : "default", "keep", "null", "default", "warn", "fail");
        if (unmapped == "default" && @default is null)
        {
            args.Error("unmapped: default needs option 'default'.");
        }

        var ignoreCase = args.Flag("ignore_case", true);
        var keys = mapping.GroupBy(m => ignoreCase ? m.Key.Trim(NormalizeStep.Whitespace.ToCharArray()).ToLowerInvariant() : m.Key).Where(g => g.Select(m => m.Value).Distinct().Count() > 1);
        foreach (var clash in keys)
        {
            args.Error($"'{clash.Key}' maps to several values ({string.Join(", ", clash.Select(m => m.Value))}) once case and spaces are ignored.");
        }

        return new MapValuesStep
        {
            Name = args.Step,
            Location = args.Location,
            Column = args.Required("column"),
            Mapping = mapping,
            IgnoreCase = ignoreCase,
            Unmapped = unmapped,
            Default = @default,
            Output = args.Text("output"),
        };
    }

    public override string Compile(StepInput input)
    {
        var key = Key(StepInput.Q(Column));
        var cases = string.Join(" ", Mapping.DistinctBy(m => Normalise(m.From)).Select(m => $"WHEN {input.Values.Bind(Normalise(m.From))} THEN {input.Values.Bind(m.To)}"));
        var otherwise = Unmapped switch
        {
            "null" => "NULL",
            "default" => input.Values.Bind(Default!),
            _ => $"CAST({StepInput.Q(Column)} AS VARCHAR)",
        };
        var expression = $"CASE {key} {cases} ELSE {otherwise} END";
        return Output is null || string.Equals(Output, Column, StringComparison.OrdinalIgnoreCase)
            ? $"SELECT {input.SelectList(new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase) { [Column] = expression })} FROM {input.Relation}"
            : $"SELECT *, {expression} AS {StepInput.Q(Output)} FROM {input.Relation}";
    }

    /// <summary>Only <c>warn</c> and <c>fail</c> count unmapped values; the other choices are what the user asked for, so they stay quiet.</summary>
    public override IEnumerable<(string Message, string CountQuery, bool Fail)> Diagnostics(StepInput input)
    {
        if (Unmapped is not ("warn" or "fail"))
        {
            yield break;
        }

        var known = string.Join(", ", Mapping.Select(m => input.Values.Bind(Normalise(m.From))).Distinct());
        var fail = Unmapped == "fail";
        yield return (
            $"{Describe}: {{0}} row(s) of column '{Column}' had a value the mapping does not name " +
            (fail ? "(unmapped: fail). Add the values to the mapping, or choose unmapped: keep, null, default or warn" : "(kept as is)"),
            $"SELECT count(*) FROM {input.Relation} WHERE {StepInput.Q(Column)} IS NOT NULL AND {Key(StepInput.Q(Column))} NOT IN ({known})",
            fail);
    }

    private string Key(string column) =>
        IgnoreCase ? $"lower({NormalizeStep.TrimWhitespace($"CAST({column} AS VARCHAR)", SqlText.Literal(NormalizeStep.Whitespace))})" : $"CAST({column} AS VARCHAR)";

    private string Normalise(string value) => IgnoreCase ? value.Trim(NormalizeStep.Whitespace.ToCharArray()).ToLowerInvariant() : value;
}
