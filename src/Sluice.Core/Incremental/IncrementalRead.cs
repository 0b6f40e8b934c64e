using Sluice.Model;

namespace Sluice.Incremental;

/// <summary>
/// What an incremental source reads this attempt: rows whose cursor is at least <see cref="Lower"/>
/// (and at most <see cref="Upper"/> when replaying a range), in cursor order. Every SQL source applies
/// it the same way, by wrapping its query (<see cref="Wrap"/>) and binding the bounds as parameters;
/// an HTTP source sends <see cref="Lower"/> as a query parameter. Rows whose cursor is NULL are never
/// read: they cannot be placed before or after a watermark.
/// </summary>
public sealed class IncrementalRead
{
    public const string LowerName = "sluice_cursor_from";
    public const string UpperName = "sluice_cursor_to";

    public required IncrementalDefinition Definition { get; init; }

    /// <summary>The inclusive lower bound (the watermark minus lookback, or <c>initial</c>); null reads from the start.</summary>
    public CursorValue? Lower { get; init; }

    /// <summary>The inclusive upper bound of a replayed range; null for none.</summary>
    public CursorValue? Upper { get; init; }

    /// <summary>A replayed range: the watermark stays where it is.</summary>
    public bool Replay { get; init; }

    /// <summary>The committed watermark when this read started; the run moves it only from this value.</summary>
    public CursorValue? Watermark { get; init; }

    /// <summary>How the bound was chosen, for the task log: watermark, initial, full refresh or replay.</summary>
    public required string Origin { get; init; }

    public string Column => Definition.Cursor;

    /// <summary>The HTTP query parameter that carries <see cref="Lower"/>.</summary>
    public string QueryParameter => Definition.Parameter ?? "updated_since";

    /// <summary>
    /// The cursor column as the source names it (matched ignoring case), or a clear error naming the
    /// columns present: a cursor that is not there would otherwise fail deep in the database.
    /// </summary>
    public string ResolveColumn(IReadOnlyCollection<string> columns, string where)
    {
        var exact = columns.FirstOrDefault(c => c == Column) ?? columns.FirstOrDefault(c => string.Equals(c, Column, StringComparison.OrdinalIgnoreCase));
        return exact ?? throw new NonRetryableException(
            $"{where}: the incremental cursor ({Definition.Location}): " +
            Validation.Suggestions.UnknownName("column", Column, columns, "in the rows the source returns") +
            " Name one of them in 'cursor', or select the column in the query. Nothing was read.");
    }

    /// <summary>The condition on the cursor column; <paramref name="parameter"/> turns a bound's name into the driver's placeholder.</summary>
    public string Condition(string column, Func<string, string> quote, Func<string, string> parameter)
    {
        var q = quote(column);
        var condition = $"{q} IS NOT NULL";
        if (Lower is not null)
        {
            condition += $" AND {q} >= {parameter(LowerName)}";
        }

        if (Upper is not null)
        {
            condition += $" AND {q} <= {parameter(UpperName)}";
        }

        return condition;
    }

    /// <summary>The bounds to bind, by name, as the types they were read as.</summary>
    public IReadOnlyList<(string Name, object Value)> Parameters(Func<object, object>? convert = null)
    {
        convert ??= v => v;
        var list = new List<(string, object)>();
        if (Lower is not null)
        {
            list.Add((LowerName, convert(Lower.ToValue())));
        }

        if (Upper is not null)
        {
            list.Add((UpperName, convert(Upper.ToValue())));
        }

        return list;
    }

    /// <summary>The source's query restricted to the bounds, in cursor order.</summary>
    public string Wrap(string query, string column, Func<string, string> quote, Func<string, string> parameter) =>
        $"SELECT * FROM ({Inner(query)}\n) AS sluice_incremental WHERE {Condition(column, quote, parameter)} ORDER BY {quote(column)}";

    /// <summary>The highest cursor among the rows <see cref="Wrap"/> reads; run in the same snapshot.</summary>
    public string WrapMax(string query, string column, Func<string, string> quote, Func<string, string> parameter) =>
        $"SELECT max({quote(column)}) FROM ({Inner(query)}\n) AS sluice_incremental WHERE {Condition(column, quote, parameter)}";

    // A trailing semicolon ends a statement, not a subquery; the newline ends a trailing -- comment.
    private static string Inner(string query) => query.TrimEnd().TrimEnd(';');

    public string Describe() =>
        (Lower, Upper) switch
        {
            (null, null) => $"incremental on '{Column}' ({Origin}): every row with a value",
            (not null, null) => $"incremental on '{Column}' ({Origin}): rows with {Column} >= {Lower}",
            (null, not null) => $"incremental on '{Column}' ({Origin}): rows with {Column} <= {Upper}",
            _ => $"incremental on '{Column}' ({Origin}): rows with {Lower} <= {Column} <= {Upper}",
        };
}
