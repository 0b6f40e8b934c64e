using System.Text.RegularExpressions;

namespace Sluice.Transforms.Steps;

/// <summary><c>filter</c>: keep rows where a SQL condition holds.</summary>
internal sealed class FilterStep : Step
{
    public required string Condition { get; init; }

    public override IEnumerable<string> ReferencedColumns => [];

    public static Step Parse(StepArguments args) => new FilterStep
    {
        Name = args.Step,
        Location = args.Location,
        Condition = args.Scalar ?? args.Required("where"),
    };

    public override string Compile(StepInput input) => $"SELECT * FROM {input.Relation} WHERE ({Condition})";
}

/// <summary><c>select</c>: keep these columns, in this order.</summary>
internal sealed class SelectStep : Step
{
    public required IReadOnlyList<string> Columns { get; init; }

    public override IEnumerable<string> ReferencedColumns => Columns;

    public static Step Parse(StepArguments args) => new SelectStep
    {
        Name = args.Step,
        Location = args.Location,
        Columns = args.List?.Items.OfType<Model.ScalarOption>().Select(i => i.Value ?? string.Empty).ToList() ?? (args.Scalar is { } one ? [one] : args.Names("columns")),
    };

    public override string Compile(StepInput input) =>
        $"SELECT {string.Join(", ", Columns.Select(StepInput.Q).Concat(input.Names.Where(StepInput.IsHidden).Select(StepInput.Q)))} FROM {input.Relation}";
}

/// <summary><c>rename</c>: old name to new name.</summary>
internal sealed class RenameStep : Step
{
    public required IReadOnlyList<(string From, string To)> Names { get; init; }

    public override IEnumerable<string> ReferencedColumns => Names.Select(n => n.From);

    public static Step Parse(StepArguments args) => new RenameStep
    {
        Name = args.Step,
        Location = args.Location,
        Names = args.Pairs(args.Map).Select(p => (p.Key, p.Value)).ToList(),
    };

    public override string Compile(StepInput input)
    {
        var renamed = Names.ToDictionary(n => n.From, n => n.To, StringComparer.OrdinalIgnoreCase);
        var list = input.Names.Select(c => renamed.TryGetValue(c, out var to) ? $"{StepInput.Q(c)} AS {StepInput.Q(to)}" : StepInput.Q(c));
        return $"SELECT {string.Join(", ", list)} FROM {input.Relation}";
    }
}

/// <summary><c>cast</c>: columns to SQL types; <c>try: true</c> turns failures into nulls.</summary>
internal sealed partial class CastStep : Step
{
    public required IReadOnlyList<(string Column, string Type)> Types { get; init; }

    public override IEnumerable<string> ReferencedColumns => Types.Select(t => t.Column);

    public static Step Parse(StepArguments args)
    {
        var pairs = args.Pairs(args.Map);
        foreach (var (column, type, at) in pairs.Where(p => !TypeName().IsMatch(p.Value)))
        {
            args.Error($"'{type}' for column '{column}' is not a SQL type such as BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP, DECIMAL(18,2).", at);
        }

        return new CastStep { Name = args.Step, Location = args.Location, Types = pairs.Select(p => (p.Key, p.Value)).ToList() };
    }

    public override string Compile(StepInput input) =>
        $"SELECT {input.SelectList(Types.ToDictionary(t => t.Column, t => $"CAST({StepInput.Q(t.Column)} AS {t.Type})", StringComparer.OrdinalIgnoreCase))} FROM {input.Relation}";

    [GeneratedRegex(@"^[A-Za-z][A-Za-z0-9_ ]*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])?$")]
    internal static partial Regex TypeName();
}

/// <summary><c>derive</c>: new (or replaced) columns from SQL expressions, in order, each seeing the previous.</summary>
internal sealed class DeriveStep : Step
{
    public required IReadOnlyList<(string Column, string Expression)> Columns { get; init; }

    public override IEnumerable<string> ReferencedColumns => [];

    public static Step Parse(StepArguments args) => new DeriveStep
    {
        Name = args.Step,
        Location = args.Location,
        Columns = args.Pairs(args.Map).Select(p => (p.Key, p.Value)).ToList(),
    };

    public override string Compile(StepInput input)
    {
        // Each derived column may use the ones before it, as users write them top to bottom.
        var sql = $"SELECT * FROM {input.Relation}";
        var names = input.Names.ToList();
        foreach (var (column, expression) in Columns)
        {
            var replaced = names.Contains(column, StringComparer.OrdinalIgnoreCase);
            sql = replaced
                ? $"SELECT * REPLACE (({expression}) AS {StepInput.Q(column)}) FROM ({sql})"
                : $"SELECT *, ({expression}) AS {StepInput.Q(column)} FROM ({sql})";
            if (!replaced)
            {
                names.Add(column);
            }
        }

        return sql;
    }
}
