using Sluice.Checks;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Engine.DuckDb.Checks;

/// <summary>
/// The <c>unique</c> check, exactly: the rows with a whole key sorted by it, counting each row whose
/// key equals the one before. A sort finds keys that arrive already in order (an id extracted in key
/// order, the usual case) nearly as cheap as a scan, where a distinct count builds a hash table of
/// every key whatever their order; in random order the two cost the same. Rows missing part of the
/// key are not compared, as in SQL's UNIQUE.
/// </summary>
internal static class UniqueKeys
{
    public static async Task<CheckResult> RunAsync(DuckDbSession session, string relation, CheckDefinition check, CancellationToken cancellationToken)
    {
        var keys = check.Columns.Select(SqlText.Identifier).ToList();
        var previous = keys.Select((k, i) => $"lag({k}) OVER w AS p{i}");
        var same = string.Join(" AND ", keys.Select((k, i) => $"{k} = p{i}"));
        var present = string.Join(" AND ", keys.Select(k => $"{k} IS NOT NULL"));
        var row = (await session.QueryAsync(
            $"SELECT count(*), count(*) FILTER (WHERE {same}) FROM (SELECT {string.Join(", ", keys)}, {string.Join(", ", previous)} FROM {relation} WHERE {present} WINDOW w AS (ORDER BY {string.Join(", ", keys)}))",
            [], cancellationToken)).Single();
        var keyed = AggregateScan.Long(row[0]);
        var duplicates = AggregateScan.Long(row[1]);
        var what = check.Columns.Count == 1 ? check.Columns[0] : $"({string.Join(", ", check.Columns)})";
        var observed = $"{duplicates} duplicate row(s) of {keyed} with a {what}";
        return duplicates == 0
            ? new(check, CheckOutcome.Pass, observed, $"{what} is unique")
            : new(check, CheckOutcome.Fail, observed, $"{duplicates} row(s) repeat a {what} already seen");
    }
}
