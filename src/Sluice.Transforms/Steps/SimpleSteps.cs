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

    public override bool KeepsRowOrder => PlainExpression(Condition);

    public override bool NeedsInputOrder => !KeepsRowOrder;

    public override string Compile(StepInput input) => $"SELECT * FROM {input.Relation} WHERE ({input.Values.RenderSql(Condition)})";
}

/// <summary><c>select</c>: keep these columns, in this order.</summary>
internal sealed class SelectStep : Step
{
    public required IReadOnlyList<string> Columns { get; init; }

    public override IEnumerable<string> ReferencedColumns => Columns;

    public override bool ReadsOnlyReferencedColumns => true;

    public override bool KeepsOnlyReferencedColumns => true;

    public override bool KeepsRowOrder => true;

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

    public override bool KeepsRowOrder => true;

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
    /// <summary>DuckDB's type names (and aliases); a name outside this list is a validation error, not a run-time one.</summary>
    private static readonly HashSet<string> KnownTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        "BOOLEAN", "BOOL", "LOGICAL", "TINYINT", "INT1", "SMALLINT", "INT2", "SHORT", "INTEGER", "INT", "INT4", "SIGNED",
        "BIGINT", "INT8", "LONG", "HUGEINT", "INT128", "UTINYINT", "USMALLINT", "UINTEGER", "UBIGINT", "UHUGEINT",
        "FLOAT", "FLOAT4", "REAL", "DOUBLE", "FLOAT8", "DOUBLE PRECISION", "DECIMAL", "NUMERIC", "VARCHAR", "CHAR", "BPCHAR",
        "TEXT", "STRING", "DATE", "TIME", "TIMESTAMP", "DATETIME", "TIMESTAMPTZ", "TIMESTAMP WITH TIME ZONE",
        "TIMESTAMP_S", "TIMESTAMP_MS", "TIMESTAMP_NS", "INTERVAL", "UUID", "BLOB", "BYTEA", "JSON",
    };

    public required IReadOnlyList<(string Column, string Type)> Types { get; init; }

    /// <summary>With <c>try: true</c> a value that does not convert becomes null instead of failing the task.</summary>
    public bool Try { get; init; }

    public override IEnumerable<string> ReferencedColumns => Types.Select(t => t.Column);

    public override bool ReadsOnlyReferencedColumns => true;

    public override bool KeepsRowOrder => true;

    public static Step Parse(StepArguments args)
    {
        var pairs = args.Pairs(args.Map).Where(p => p.Key != "try").ToList();
        foreach (var (column, type, at) in pairs.Where(p => TypeName().Match(p.Value) is not { Success: true } m || !KnownTypes.Contains(m.Groups["name"].Value.Trim())))
        {
            args.Error($"'{type}' for column '{column}' is not a SQL type such as BIGINT, DOUBLE, VARCHAR, DATE, TIMESTAMP, DECIMAL(18,2).", at);
        }

        if (pairs.Count == 0)
        {
            args.Error("names no column; write 'column: TYPE', e.g. { amount: DECIMAL(12,2) }.");
        }

        return new CastStep { Name = args.Step, Location = args.Location, Types = pairs.Select(p => (p.Key, p.Value)).ToList(), Try = args.Flag("try", false) };
    }

    public override string Compile(StepInput input) =>
        $"SELECT {input.SelectList(Types.ToDictionary(t => t.Column, t => $"{(Try ? "TRY_CAST" : "CAST")}({StepInput.Q(t.Column)} AS {t.Type})", StringComparer.OrdinalIgnoreCase))} FROM {input.Relation}";

    /// <summary>
    /// Values that do not convert fail the task before anything is written, with the count and the way
    /// out. A cast that converts every value of its source type (a wider integer, text, a timestamp's
    /// date) needs no counting pass over the data.
    /// </summary>
    public override IEnumerable<(string Message, string CountQuery, bool Fail)> Diagnostics(StepInput input) => Try ? [] :
        Types.Where(t => !AlwaysConverts(input.TypeOf(t.Column), t.Type)).Select(t => (
            $"{Describe}: {{0}} value(s) of column '{t.Column}' cannot be cast to {t.Type}; clean them first, or set 'try: true' to make them null",
            $"SELECT count(*) FROM {input.Relation} WHERE {StepInput.Q(t.Column)} IS NOT NULL AND TRY_CAST({StepInput.Q(t.Column)} AS {t.Type}) IS NULL",
            true));

    private static readonly string[] Integers = ["TINYINT", "SMALLINT", "INTEGER", "BIGINT", "HUGEINT"];

    /// <summary>Casts DuckDB performs for every value of the source type: no overflow, no parsing.</summary>
    internal static bool AlwaysConverts(string from, string to)
    {
        var target = to.Trim().ToUpperInvariant() switch
        {
            "INT1" => "TINYINT",
            "INT2" or "SHORT" => "SMALLINT",
            "INT" or "INT4" or "SIGNED" => "INTEGER",
            "INT8" or "LONG" => "BIGINT",
            "INT128" => "HUGEINT",
            "FLOAT8" or "DOUBLE PRECISION" => "DOUBLE",
            "TEXT" or "STRING" => "VARCHAR",
            var other => other,
        };
        var source = from.Trim().ToUpperInvariant();
        var (s, t) = (Array.IndexOf(Integers, source), Array.IndexOf(Integers, target));
        return source == target
            || target == "VARCHAR"
            || (s >= 0 && t >= s)
            || (s >= 0 && target == "DOUBLE")
            || (source is "FLOAT" or "DOUBLE" && target == "DOUBLE")
            || (source == "TIMESTAMP" && target == "DATE");
    }

    [GeneratedRegex(@"^(?<name>[A-Za-z][A-Za-z0-9_ ]*?)\s*(\(\s*\d+\s*(,\s*\d+\s*)?\))?(\[\])?$")]
    internal static partial Regex TypeName();
}

/// <summary><c>derive</c>: new (or replaced) columns from SQL expressions, in order, each seeing the previous.</summary>
internal sealed class DeriveStep : Step
{
    public required IReadOnlyList<(string Column, string Expression)> Columns { get; init; }

    public override IEnumerable<string> ReferencedColumns => [];

    public override bool KeepsRowOrder => Columns.All(c => PlainExpression(c.Expression));

    public override bool NeedsInputOrder => !KeepsRowOrder;

    public static Step Parse(StepArguments args)
    {
        var pairs = args.Pairs(args.Map);
        foreach (var (column, _, at) in pairs.Where(p => string.IsNullOrWhiteSpace(p.Value)))
        {
            // Typically an unquoted expression with a comma in a { flow: mapping }, which YAML splits.
            args.Error($"column '{column}' has no expression; quote expressions that contain a comma, e.g. ratio: \"a / nullif(b, 0)\".", at);
        }

        if (pairs.Count == 0)
        {
            args.Error("names no column; write 'column: SQL expression', e.g. { total: quantity * unit_price }.");
        }

        return new DeriveStep { Name = args.Step, Location = args.Location, Columns = pairs.Select(p => (p.Key, p.Value)).ToList() };
    }

    public override string Compile(StepInput input)
    {
        // Each derived column may use the ones before it, as users write them top to bottom.
        var sql = $"SELECT * FROM {input.Relation}";
        var names = input.Names.ToList();
        foreach (var (column, template) in Columns)
        {
            var expression = input.Values.RenderSql(template);
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
