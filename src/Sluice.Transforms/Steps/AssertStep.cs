namespace Sluice.Transforms.Steps;

/// <summary>
/// <c>assert</c>: a condition the data must meet at this point of the chain, or the task fails before
/// anything is written (not retried: the same data fails the same way). <c>scope: row</c> (default)
/// tests every row, as a CHECK constraint does (a NULL result passes); <c>scope: aggregate</c> tests one
/// condition over all rows, such as <c>sum(amount) &gt; 0</c>. Rows pass through unchanged.
/// </summary>
internal sealed class AssertStep : Step
{
    public const int Examples = 5;

    public required string Condition { get; init; }

    public required string Message { get; init; }

    public required bool Aggregate { get; init; }

    public override IEnumerable<string> ReferencedColumns => [];

    public override bool KeepsRowOrder => true;

    public static Step Parse(StepArguments args)
    {
        var condition = args.Scalar ?? args.Required("expr");
        var message = args.Scalar is null ? args.Text("message") : null;
        var scope = args.Scalar is null ? args.Choice("scope", "row", "row", "aggregate") : "row";
        args.RejectUnknown("expr", "message", "scope");
        return new AssertStep
        {
            Name = args.Step,
            Location = args.Location,
            Condition = condition,
            Message = message ?? $"assertion '{condition}' does not hold",
            Aggregate = scope == "aggregate",
        };
    }

    public override string Compile(StepInput input) => $"SELECT * FROM {input.Relation}";

    /// <summary>The query counting what breaks the assertion: rows, or 1 when the aggregate condition is false.</summary>
    public string Violations(StepInput input) => Aggregate
        ? $"SELECT CASE WHEN ({input.Values.RenderSql(Condition)}) THEN 0 ELSE 1 END FROM {input.Relation}"
        : $"SELECT count(*) FROM {input.Relation} WHERE NOT ({input.Values.RenderSql(Condition)})";

    /// <summary>A few rows that break a row assertion, in input order, without the hidden columns.</summary>
    public string? ExampleRows(StepInput input) => Aggregate
        ? null
        : $"SELECT {string.Join(", ", input.DataNames.Select(StepInput.Q))} FROM {input.Relation} WHERE NOT ({input.Values.RenderSql(Condition)}) ORDER BY {input.RowOrder()} LIMIT {Examples}";
}
