namespace Sluice.Transforms.Steps;

/// <summary>
/// <c>lookup_keys</c>: give each fact the surrogate key of the dimension version valid on the fact's
/// date (a type 2 dimension with valid_from/valid_to), or the unknown member (-1) when there is none,
/// so a fact is never silently dropped. The count of unknown keys goes to the run log.
/// </summary>
internal sealed class LookupKeysStep : Step
{
    public required string Dimension { get; init; }

    public required IReadOnlyList<(string Fact, string Dimension)> Keys { get; init; }

    public string? AsOf { get; init; }

    public required string SurrogateKey { get; init; }

    public required string Output { get; init; }

    public long Unknown { get; init; } = -1;

    public override IEnumerable<string> ReferencedColumns => Keys.Select(k => k.Fact).Concat(AsOf is null ? [] : [AsOf]);

    public override IEnumerable<string> ReferencedDatasets => [Dimension];

    public static Step Parse(StepArguments args)
    {
        args.RejectUnknown("dimension", "on", "as_of", "surrogate_key", "output", "unknown_key");
        var keys = args.Raw("on") switch
        {
            Model.MapOption map => args.Pairs(map).Select(p => (p.Key, p.Value)).ToList(),
            _ => args.Names("on").Select(n => (n, n)).ToList(),
        };
        if (keys.Count == 0)
        {
            args.Error("needs 'on': the natural key column(s) shared with the dimension.");
        }

        return new LookupKeysStep
        {
            Name = args.Step,
            Location = args.Location,
            Dimension = args.Required("dimension"),
            Keys = keys,
            AsOf = args.Text("as_of"),
            SurrogateKey = args.Text("surrogate_key", "sk")!,
            Output = args.Required("output"),
            Unknown = (long)args.Number("unknown_key", -1),
        };
    }

    public override string Compile(StepInput input)
    {
        var d = StepInput.Q(Dimension);
        var match = string.Join(" AND ", Keys.Select(k => $"dim.{StepInput.Q(k.Dimension)} = f.{StepInput.Q(k.Fact)}"));
        var asOf = AsOf is null
            ? "dim.is_current"
            : $"dim.valid_from <= CAST(f.{StepInput.Q(AsOf)} AS DATE) AND (dim.valid_to IS NULL OR dim.valid_to > CAST(f.{StepInput.Q(AsOf)} AS DATE))";
        var sk = StepInput.Q(SurrogateKey);
        var found = $"(SELECT max(dim.{sk}) FROM {d} AS dim WHERE {match} AND {asOf} AND dim.{sk} <> {Unknown})";
        return $"SELECT f.*, coalesce({found}, {Unknown}) AS {StepInput.Q(Output)} FROM {input.Relation} AS f";
    }

    public override IEnumerable<(string Message, string CountQuery, bool Fail)> Diagnostics(StepInput input)
    {
        yield return (
            $"{Describe}: {{0}} row(s) found no version of '{Dimension}' and point to the unknown member ({Unknown})",
            $"SELECT count(*) FROM ({Compile(input)}) WHERE {StepInput.Q(Output)} = {Unknown}",
            false);
    }
}
