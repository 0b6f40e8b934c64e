namespace Sluice.Engine.DuckDb;

/// <summary>
/// The SQL that merges one effective date D into an scd2 history, shared by the DuckDB and the
/// PostgreSQL sink so that both keep the same history (docs/transforms/modelling.md). Plain SQL both
/// databases run alike; only parameter markers and JSON comparison differ.
/// <para>
/// The history is the one loading every snapshot in date order would give, whatever order they come
/// in. For each key whose value at D changes (tracked columns, or presence with close_missing), the
/// versions touching [D, E) are cut into pieces: what lies before D and from E on keeps its values;
/// [D, E) gets the input's values. E is the next loaded date after D (close_missing: the next
/// snapshot says what holds from then on), or without close_missing the key's next boundary.
/// Touching pieces with equal tracked values are merged, so no two back-to-back versions are equal.
/// </para>
/// </summary>
internal sealed class Scd2MergeSql(Scd2MergeSql.Shape shape)
{
    /// <summary>Temp tables the statements read and write, in this order.</summary>
    public const string Now = "sluice_scd2_now", Changes = "sluice_scd2_changes", Window = "sluice_scd2_window", Result = "sluice_scd2_result";

    /// <param name="Target">The quoted dimension table.</param>
    /// <param name="Input">The quoted table or view holding the batch.</param>
    /// <param name="Columns">The batch's columns, which the table stores too.</param>
    /// <param name="Parameter">How a bound parameter is written: <c>$d</c> (DuckDB) or <c>@d</c> (Npgsql).</param>
    /// <param name="Comparable">How a column is compared (PostgreSQL's json has no equality), given an alias.</param>
    internal sealed record Shape(
        string Target,
        string Input,
        IReadOnlyList<string> Key,
        IReadOnlyList<string> Tracked,
        IReadOnlyList<string> Columns,
        string SurrogateKey,
        bool CloseMissing,
        Func<string, string> Parameter,
        Func<string, string, string> Comparable);

    private string Sk => Id(shape.SurrogateKey);

    private string D => $"CAST({shape.Parameter("d")} AS DATE)";

    /// <summary>The next loaded date after D, bound as <c>next</c>; null when D is the latest.</summary>
    private string Next => $"CAST({shape.Parameter("next")} AS DATE)";

    private static string From => Id("valid_from");

    private static string To => Id("valid_to");

    private static string Id(string name) => SqlText.Identifier(name);

    private string Same(string a, string b) => string.Join(" AND ", shape.Key.Select(k => $"{a}.{Id(k)} = {b}.{Id(k)}"));

    private string List(string alias) => string.Join(", ", shape.Columns.Select(c => $"{alias}.{Id(c)}"));

    private string Keys(string alias) => string.Join(", ", shape.Key.Select(k => $"{alias}.{Id(k)}"));

    /// <summary>The version of each key valid at D.</summary>
    public string SelectNow() =>
        $"SELECT t.* FROM {shape.Target} AS t WHERE t.{Sk} <> -1 AND t.{From} <= {D} AND (t.{To} IS NULL OR t.{To} > {D})";

    /// <summary>Keys whose value at D changes: their value at D (absent: not present) and where that value ends.</summary>
    public string SelectChanges()
    {
        var changed = shape.Tracked.Count == 0 ? "false" : string.Join(" OR ", shape.Tracked.Select(c => $"{shape.Comparable("i", c)} IS DISTINCT FROM {shape.Comparable("v", c)}"));
        var end = shape.CloseMissing
            ? Next
            : $"CASE WHEN v.{Sk} IS NOT NULL THEN v.{To} ELSE (SELECT min(n.{From}) FROM {shape.Target} AS n WHERE {Same("i", "n")} AND n.{From} > {D}) END";
        var present = $"""
            SELECT {List("i")}, true AS sluice_present, v.{Sk} AS sluice_old_sk, {end} AS sluice_end
            FROM {shape.Input} AS i LEFT JOIN {Now} AS v ON {Same("i", "v")}
            WHERE v.{Sk} IS NULL OR {changed}
            """;
        return shape.CloseMissing
            ? present + $"""

                UNION ALL
                SELECT {List("v")}, false, v.{Sk}, {Next}
                FROM {Now} AS v WHERE NOT EXISTS (SELECT 1 FROM {shape.Input} AS i WHERE {Same("i", "v")})
                """
            : present;
    }

    /// <summary>
    /// Without close_missing the input lists only some keys: a key's version that stayed open through
    /// later loads may or may not have been in those loads, so a change at D has no exact end.
    /// </summary>
    public string SelectUndecidable() =>
        $"SELECT {Keys("c")} FROM {Changes} AS c JOIN {Now} AS v ON {Same("c", "v")} " +
        $"WHERE {Next} IS NOT NULL AND (v.{To} IS NULL OR v.{To} > {Next}) ORDER BY {Keys("c")} LIMIT 3";

    /// <summary>The versions of changed keys that touch [D, E]: the ones the merge may cut, extend or remove.</summary>
    public string SelectWindow() =>
        $"""
        SELECT t.*, c.sluice_end FROM {shape.Target} AS t JOIN {Changes} AS c ON {Same("t", "c")}
        WHERE t.{Sk} <> -1 AND (t.{To} IS NULL OR t.{To} >= {D}) AND (c.sluice_end IS NULL OR t.{From} <= c.sluice_end)
        """;

    /// <summary>
    /// The new versions of the window's keys, each with the surrogate key it keeps (null: a new one).
    /// A piece of an existing version keeps that version's key before the input's piece does (rank 1
    /// before 2), and the earliest piece before later ones, so an unchanged version keeps its key and a
    /// version split in two keeps it on its first part.
    /// </summary>
    public string SelectResult()
    {
        var partition = string.Join(", ", shape.Key.Select(Id));
        var starts = string.Join(" OR ", shape.Tracked.Select(c => $"lag({shape.Comparable("p", c)}) OVER w IS DISTINCT FROM {shape.Comparable("p", c)}").Prepend($"lag(p.sluice_to) OVER w IS DISTINCT FROM p.sluice_from"));
        return $"""
            WITH pieces AS (
              SELECT w.{Sk} AS sluice_sk, {List("w")}, w.{From} AS sluice_from, CASE WHEN w.{To} IS NULL OR w.{To} > {D} THEN {D} ELSE w.{To} END AS sluice_to, 1 AS sluice_rank
              FROM {Window} AS w WHERE w.{From} < {D}
              UNION ALL
              SELECT w.{Sk}, {List("w")}, CASE WHEN w.{From} > w.sluice_end THEN w.{From} ELSE w.sluice_end END, w.{To}, 1
              FROM {Window} AS w WHERE w.sluice_end IS NOT NULL AND (w.{To} IS NULL OR w.{To} > w.sluice_end)
              UNION ALL
              SELECT c.sluice_old_sk, {List("c")}, {D}, c.sluice_end, 2 FROM {Changes} AS c WHERE c.sluice_present
            ),
            marked AS (
              SELECT p.*, CASE WHEN {starts} THEN 1 ELSE 0 END AS sluice_starts
              FROM pieces AS p WINDOW w AS (PARTITION BY {string.Join(", ", shape.Key.Select(k => $"p.{Id(k)}"))} ORDER BY p.sluice_from)
            ),
            islands AS (
              SELECT m.*, sum(m.sluice_starts) OVER (PARTITION BY {partition} ORDER BY m.sluice_from ROWS UNBOUNDED PRECEDING) AS sluice_island,
                     row_number() OVER (PARTITION BY {partition} ORDER BY m.sluice_from) AS sluice_order
              FROM marked AS m
            ),
            bounds AS (
              SELECT {partition}, sluice_island, min(sluice_from) AS sluice_from, CASE WHEN count(*) = count(sluice_to) THEN max(sluice_to) END AS sluice_to, min(sluice_order) AS sluice_first
              FROM islands GROUP BY {partition}, sluice_island
            ),
            candidates AS (
              SELECT {partition}, sluice_island, sluice_sk, sluice_rank, sluice_from,
                     row_number() OVER (PARTITION BY {partition}, sluice_island ORDER BY sluice_rank, sluice_from) AS sluice_pick
              FROM islands WHERE sluice_sk IS NOT NULL
            ),
            chosen AS (
              SELECT {partition}, sluice_island, sluice_sk, row_number() OVER (PARTITION BY sluice_sk ORDER BY sluice_rank, sluice_from) AS sluice_claim
              FROM candidates WHERE sluice_pick = 1
            )
            SELECT CASE WHEN ch.sluice_claim = 1 THEN ch.sluice_sk END AS sluice_sk, {string.Join(", ", shape.Columns.Select(c => $"f.{Id(c)}"))}, b.sluice_from, b.sluice_to
            FROM bounds AS b
            JOIN islands AS f ON {Same("b", "f")} AND f.sluice_order = b.sluice_first
            LEFT JOIN chosen AS ch ON {Same("b", "ch")} AND b.sluice_island = ch.sluice_island
            """;
    }

    /// <summary>Versions of the window that no new version keeps: merged into a neighbour or no longer valid on any loaded date.</summary>
    public string DeleteDropped() =>
        $"DELETE FROM {shape.Target} WHERE {Sk} IN (SELECT {Sk} FROM {Window}) AND {Sk} NOT IN (SELECT sluice_sk FROM {Result} WHERE sluice_sk IS NOT NULL)";

    /// <summary>Versions that keep their surrogate key get their new bounds and values; columns the batch lacks stay.</summary>
    public string UpdateKept()
    {
        var set = shape.Columns.Where(c => !shape.Key.Contains(c)).Select(c => $"{Id(c)} = r.{Id(c)}")
            .Concat([$"{From} = r.sluice_from", $"{To} = r.sluice_to", $"{Id("is_current")} = r.sluice_to IS NULL"]);
        return $"UPDATE {shape.Target} AS t SET {string.Join(", ", set)} FROM {Result} AS r WHERE t.{Sk} = r.sluice_sk";
    }

    /// <summary>New versions; <paramref name="firstKey"/> null lets an identity column number them.</summary>
    public string InsertNew(string? firstKey)
    {
        var names = string.Join(", ", shape.Columns.Select(Id));
        var order = string.Join(", ", shape.Key.Select(Id).Append("sluice_from"));
        var (skColumn, skValue) = firstKey is null ? (string.Empty, string.Empty) : ($"{Sk}, ", $"{firstKey} - 1 + row_number() OVER (ORDER BY {order}), ");
        return $"""
            INSERT INTO {shape.Target} ({skColumn}{names}, {From}, {To}, {Id("is_current")})
            SELECT {skValue}{names}, sluice_from, sluice_to, sluice_to IS NULL FROM {Result} WHERE sluice_sk IS NULL ORDER BY {order}
            """;
    }
}
