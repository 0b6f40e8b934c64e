using Sluice.Model;

namespace Sluice.Transforms.Steps;

/// <summary>
/// One built-in step. It compiles to a SELECT over the previous relation; the columns it names are
/// checked against that relation's actual columns before any data moves.
/// </summary>
internal abstract partial class Step
{
    public required string Name { get; init; }

    public required SourceLocation Location { get; init; }

    /// <summary>Columns of the previous relation this step reads.</summary>
    public abstract IEnumerable<string> ReferencedColumns { get; }

    /// <summary>Other datasets this step reads (joins).</summary>
    public virtual IEnumerable<string> ReferencedDatasets => [];

    /// <summary>The SELECT producing this step's relation from <see cref="StepInput.Relation"/>.</summary>
    public abstract string Compile(StepInput input);

    /// <summary>Rows this step set aside, with a reason: a SELECT over the previous relation, or null.</summary>
    public virtual string? Rejects(StepInput input) => null;

    /// <summary>
    /// Queries whose single number the run log reports, such as join keys that found no match; with
    /// <c>Fail</c>, a non-zero count fails the task before anything is written.
    /// </summary>
    public virtual IEnumerable<(string Message, string CountQuery, bool Fail)> Diagnostics(StepInput input) => [];

    /// <summary>
    /// Checks of the step's own options (a fill value of the wrong type, an unknown time zone) that
    /// read no data; a non-zero count fails the task before anything is written.
    /// </summary>
    public virtual IEnumerable<(string Message, string CountQuery, bool Fail)> Checks(StepInput input) => [];

    /// <summary>True when the step's own SELECT reads its input more than once (a statistic joined back, a semi-join).</summary>
    protected virtual bool ReadsInputTwice(StepInput input) => false;

    /// <summary>
    /// True when the chain above this step would run more than once without a stored copy of its
    /// input: the step's SELECT reads the input twice, or its rejects or counts read it besides the
    /// output. The compiler then stores the input once (a temporary table) and every query reads that.
    /// </summary>
    public bool RereadsInput(StepInput input) =>
        this is AssertStep || ReadsInputTwice(input) || Rejects(input) is not null || Diagnostics(input).Any();

    /// <summary>
    /// True when the compiled SELECT only projects and filters its one input relation, which DuckDB
    /// guarantees to keep in input order (its "insertion order" preservation). When every step does,
    /// the output needs no final sort by row number.
    /// </summary>
    public virtual bool KeepsRowOrder => false;

    /// <summary>
    /// True when the step's result (not only the order of its output) depends on the order of its
    /// input rows: the first or last row of a key, the previous or next value, a window over rows. Such
    /// a step reads the input's row numbers, so whoever writes that input must keep its order.
    /// </summary>
    public virtual bool NeedsInputOrder => false;

    /// <summary>
    /// True when the step reads no column of its input but <see cref="ReferencedColumns"/> and passes
    /// the others through untouched, so a column no later step names can be left out of a stored copy
    /// above it. False for steps whose SQL the user writes (a filter, a derive, an assertion), which may
    /// read any column, and for steps whose result depends on every column or on the names present.
    /// </summary>
    public virtual bool ReadsOnlyReferencedColumns => false;

    /// <summary>True when only <see cref="ReferencedColumns"/> (and the new ones) leave the step: an aggregate, a select.</summary>
    public virtual bool KeepsOnlyReferencedColumns => false;

    /// <summary>User SQL keeps the row order unless it could hold a window function or a subquery.</summary>
    protected static bool PlainExpression(string sql) => !WindowOrSubquery().IsMatch(sql);

    [System.Text.RegularExpressions.GeneratedRegex(@"\b(over|select)\b", System.Text.RegularExpressions.RegexOptions.IgnoreCase)]
    private static partial System.Text.RegularExpressions.Regex WindowOrSubquery();

    public string Describe => $"step '{Name}' ({Location})";
}

/// <summary>
/// The relation a step reads: its (quoted) name, its columns with their DuckDB types, and a way to
/// bind constant values (fill values, mapping keys) so they never become SQL text.
/// </summary>
internal sealed record StepInput(string Relation, IReadOnlyList<(string Name, string Type)> Columns, StepValues Values)
{
    public const string RowNumber = "__sluice_row";

    /// <summary>
    /// Columns the steps carry for themselves and never write: the input row number, and per join the
    /// row number of the matching right row (so rows a join multiplies keep the right side's order).
    /// </summary>
    public const string HiddenPrefix = "__sluice_";

    public static bool IsHidden(string name) => name.StartsWith(HiddenPrefix, StringComparison.Ordinal);

    /// <summary>The columns a user sees at this step.</summary>
    public IEnumerable<string> DataNames => Names.Where(n => !IsHidden(n));

    /// <summary>The row order of the input (as pandas keeps it): row number, then each join's right row number.</summary>
    public string RowOrder(string direction = "") =>
        string.Join(", ", Names.Where(IsHidden).OrderBy(n => n == RowNumber ? 0 : 1).Select(n => Q(n) + direction));

    public string TypeOf(string column) =>
        Columns.FirstOrDefault(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase)).Type ?? "VARCHAR";

    public IEnumerable<string> Names => Columns.Select(c => c.Name);

    public bool Has(string column) => Columns.Any(c => string.Equals(c.Name, column, StringComparison.OrdinalIgnoreCase));

    /// <summary>
    /// A SELECT list in the relation's column order, with some columns replaced by expressions and
    /// new ones appended; <paramref name="qualifier"/> prefixes plain column references.
    /// </summary>
    public string SelectList(IReadOnlyDictionary<string, string> replaced, IEnumerable<(string Name, string Expression)>? added = null, string qualifier = "")
    {
        var items = Columns.Select(c => replaced.TryGetValue(c.Name, out var expression)
            ? $"{expression} AS {Q(c.Name)}"
            : qualifier + Q(c.Name)).ToList();
        items.AddRange((added ?? []).Select(a => $"{a.Expression} AS {Q(a.Name)}"));
        return string.Join(", ", items);
    }

    public static string Q(string name) => Engine.DuckDb.SqlText.Identifier(name);
}
