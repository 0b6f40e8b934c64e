namespace Sluice.Transforms.Steps;

/// <summary><c>drop_null</c>, as pandas <c>dropna</c>: rows missing any (or all) of the given columns.</summary>
internal sealed class DropNullStep : Step
{
    public required IReadOnlyList<string> Columns { get; init; }

    public required string How { get; init; }

    public override IEnumerable<string> ReferencedColumns => Columns;

    public override bool ReadsOnlyReferencedColumns => true;

    public override bool KeepsRowOrder => true;

    public static Step Parse(StepArguments args)
    {
        var columns = args.Scalar is { } single ? [single] : args.List is not null ? args.List.Items.OfType<Model.ScalarOption>().Select(i => i.Value ?? string.Empty).ToList() : null;
        if (columns is null)
        {
            args.RejectUnknown("columns", "how");
        }

        return new DropNullStep
        {
            Name = args.Step,
            Location = args.Location,
            Columns = columns ?? args.Names("columns"),
            How = columns is null ? args.Choice("how", "any", "any", "all") : "any",
        };
    }

    public override string Compile(StepInput input)
    {
        var columns = Columns.Count > 0 ? Columns : input.DataNames.ToList();
        // "a IS NOT NULL AND b IS NOT NULL" rather than "NOT (a IS NULL OR b IS NULL)": the same rows, but
        // DuckDB pushes this form into the Parquet scan as filters.
        var joiner = How == "all" ? " OR " : " AND ";
        return $"SELECT * FROM {input.Relation} WHERE {string.Join(joiner, columns.Select(c => $"{StepInput.Q(c)} IS NOT NULL"))}";
    }
}
