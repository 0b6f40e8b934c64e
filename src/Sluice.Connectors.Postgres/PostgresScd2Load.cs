using Npgsql;
using NpgsqlTypes;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// <c>mode: scd2</c> on PostgreSQL, with the DuckDB warehouse's semantics (docs/transforms/modelling.md).
/// For each input row, the version valid at the effective date D is compared on the tracked columns.
/// Unchanged: nothing happens, so a rerun changes nothing. Changed: that version is closed at D and a new
/// one opens at D, valid until the old one's end (a late correction slots into history); if the old
/// version itself starts at D, it is corrected in place. Keys with no version at D get one, valid until
/// their next version. The batch is COPYed into the temp stage; the rest is one SQL statement inside the
/// load's transaction.
/// </summary>
internal sealed class PostgresScd2Load(NpgsqlConnection connection, TaskContext context, TargetTable target, PostgresLoad load)
{
    private readonly IReadOnlyList<string> _key = context.Options.GetList("key");
    private readonly string _surrogateKey = context.Options.GetRequiredString("surrogate_key");

    public async Task<long> RunAsync(uint? oid, DatasetReader input, CancellationToken cancellationToken)
    {
        var effective = ScdOptions.EffectiveDate(context);
        var (columns, generatesKeys) = await new Scd2Table(connection, context, target, _key, _surrogateKey).PrepareAsync(oid, input.Columns, cancellationToken);
        var staged = await load.StageAsync(input, columns, cancellationToken);
        await new UpsertChecks(connection, context, target).EnsureUsableKeysAsync(PostgresLoad.Stage, _key, cancellationToken);
        // Temp tables get no statistics from autovacuum; without them a large batch gets a nested-loop plan.
        await target.ExecuteAsync($"ANALYZE {PostgresLoad.Stage}", cancellationToken);

        await using var command = new NpgsqlCommand(Statement(columns, generatesKeys), connection);
        command.Parameters.AddWithValue("d", NpgsqlDbType.Date, effective);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        var (corrected, changed, opened, gone) = (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), reader.GetInt64(3));
        context.Log($"scd2 {target} as of {effective:yyyy-MM-dd}: {staged} row(s) staged, {opened} version(s) opened, {changed} closed by a change, {corrected} corrected in place, {gone} closed for keys gone from the input");
        return opened;
    }

    /// <summary>
    /// Data-modifying CTEs all see the table as it was before the statement, so every decision is taken
    /// from the old state, as the DuckDB sink does with its plan table, and the four changes touch
    /// disjoint rows.
    /// </summary>
    private string Statement(IReadOnlyList<PgColumn> columns, bool generatesKeys)
    {
        string Id(string name) => SqlText.Identifier(name);
        string Same(string a, string b) => string.Join(" AND ", _key.Select(k => $"{a}.{Id(k)} = {b}.{Id(k)}"));
        var sk = Id(_surrogateKey);
        var (from, to, current) = (Id(ScdOptions.ValidFrom), Id(ScdOptions.ValidTo), Id(ScdOptions.IsCurrent));
        var tracked = ScdOptions.Tracked(context, columns.Select(c => c.Name), _key).Select(t => columns.First(c => c.Name == t)).ToList();
        var changed = tracked.Count == 0 ? "false" : string.Join(" OR ", tracked.Select(c => $"{Comparable("s", c)} IS DISTINCT FROM {Comparable("t", c)}"));
        var names = string.Join(", ", columns.Select(c => Id(c.Name)));
        var byKey = string.Join(", ", _key.Select(Id));
        // Only for a table made elsewhere without identity: the table lock keeps max() + n unique.
        var (keyColumn, keyValue) = generatesKeys
            ? (string.Empty, string.Empty)
            : ($"{sk}, ", $"(SELECT greatest(coalesce(max({sk}), 0), 0) FROM {target.Quoted}) + row_number() OVER (ORDER BY {byKey}), ");
        var correct = tracked.Count == 0
            ? "SELECT 1 WHERE false"
            : $"UPDATE {target.Quoted} AS t SET {string.Join(", ", tracked.Select(c => $"{Id(c.Name)} = p.{Id(c.Name)}"))} FROM plan AS p WHERE t.{sk} = p.sluice_old_sk AND p.sluice_old_from = @d RETURNING 1";
        var closeMissing = context.Options.GetBool("close_missing")
            ? $"UPDATE {target.Quoted} AS t SET {to} = @d, {current} = false WHERE t.{current} AND t.{sk} <> -1 AND t.{from} < @d AND NOT EXISTS (SELECT 1 FROM {PostgresLoad.Stage} AS s WHERE {Same("s", "t")}) RETURNING 1"
            : "SELECT 1 WHERE false";
        return $"""
            WITH plan AS MATERIALIZED (
              SELECT s.*, t.{sk} AS sluice_old_sk, t.{from} AS sluice_old_from, t.{to} AS sluice_old_to,
                     (SELECT min(n.{from}) FROM {target.Quoted} AS n WHERE {Same("s", "n")} AND n.{from} > @d) AS sluice_next_from
              FROM {PostgresLoad.Stage} AS s
              LEFT JOIN {target.Quoted} AS t ON {Same("s", "t")} AND t.{from} <= @d AND (t.{to} IS NULL OR t.{to} > @d) AND t.{sk} <> -1
              WHERE t.{sk} IS NULL OR {changed}
            ),
            corrected AS ({correct}),
            closed AS (
              UPDATE {target.Quoted} AS t SET {to} = @d, {current} = false FROM plan AS p WHERE t.{sk} = p.sluice_old_sk AND p.sluice_old_from < @d RETURNING 1
            ),
            opened AS (
              INSERT INTO {target.Quoted} ({keyColumn}{names}, {from}, {to}, {current})
              SELECT {keyValue}{names}, @d, coalesce(sluice_old_to, sluice_next_from), coalesce(sluice_old_to, sluice_next_from) IS NULL
              FROM plan WHERE sluice_old_sk IS NULL OR sluice_old_from < @d
              ORDER BY {byKey}
              RETURNING 1
            ),
            gone AS ({closeMissing})
            SELECT (SELECT count(*) FROM corrected), (SELECT count(*) FROM closed), (SELECT count(*) FROM opened), (SELECT count(*) FROM gone)
            """;
    }

    /// <summary>json has no equality operator; its values compare as jsonb.</summary>
    private static string Comparable(string alias, PgColumn column) =>
        $"{alias}.{SqlText.Identifier(column.Name)}" + (column.Kind == PgKind.Json ? "::jsonb" : string.Empty);
}
