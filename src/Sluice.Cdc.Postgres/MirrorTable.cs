using Npgsql;
using NpgsqlTypes;
using Sluice.Engine.DuckDb;

namespace Sluice.Cdc.Postgres;

/// <summary>
/// How one source relation is applied to its mirror: the column order the stream uses, the target's
/// primary key, and the statements (cached per set of columns present, since an update may leave
/// large values out).
/// </summary>
internal sealed class MirrorTable(RelationItem relation, string targetSchema, IReadOnlyList<int> key)
{
    private readonly Dictionary<string, string> _upserts = [];

    public RelationItem Relation { get; } = relation;

    public string Qualified { get; } = SqlText.Qualified(targetSchema, relation.Table);

    public IReadOnlyList<int> Key { get; } = key;

    public string Describe => $"{Relation.Schema}.{Relation.Table}";

    public static async Task<MirrorTable> ResolveAsync(NpgsqlConnection target, NpgsqlTransaction transaction, RelationItem relation, string targetSchema, bool evolve, CdcEvents? events, CancellationToken cancellationToken)
    {
        var qualified = SqlText.Qualified(targetSchema, relation.Table);
        var present = new HashSet<string>(StringComparer.Ordinal);
        var key = new List<string>();
        const string sql = """
            SELECT a.attname, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = a.attrelid AND i.indisprimary AND a.attnum = ANY (i.indkey))
            FROM pg_attribute a WHERE a.attrelid = to_regclass($1) AND a.attnum > 0 AND NOT a.attisdropped ORDER BY a.attnum
            """;
        await using (var command = new NpgsqlCommand(sql, target, transaction) { Parameters = { new() { Value = qualified } } })
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                present.Add(reader.GetString(0));
                if (reader.GetBoolean(1))
                {
                    key.Add(reader.GetString(0));
                }
            }
        }

        if (present.Count == 0)
        {
            throw new NonRetryableException($"the mirror table {qualified} for {relation.Schema}.{relation.Table} does not exist in the target. Run `sluice cdc setup` for this pipeline again (after `sluice cdc drop`) to recreate it from a snapshot.");
        }

        var added = relation.Columns.Where(c => !present.Contains(c.Name)).ToList();
        if (added.Count > 0)
        {
            await EvolveAsync(target, transaction, relation, qualified, added, evolve, events, $"{targetSchema}.{relation.Table}", cancellationToken);
        }

        var positions = key.Select(k => relation.Columns.ToList().FindIndex(c => c.Name == k)).ToList();
        if (positions.Count == 0 || positions.Contains(-1))
        {
            throw new NonRetryableException($"the mirror table {qualified} has no primary key matching the columns of {relation.Schema}.{relation.Table}; a mirror applies updates and deletes by key. Recreate it with `sluice cdc drop` and `sluice cdc setup`.");
        }

        return new MirrorTable(relation, targetSchema, positions);
    }

    /// <summary>
    /// A column added to the source mid-stream: added to the mirror (evolve), or the stream stops with the
    /// fix named. Either way a contract_drift event records it (an error that alerts, or info).
    /// </summary>
    private static async Task EvolveAsync(NpgsqlConnection target, NpgsqlTransaction transaction, RelationItem relation, string qualified, List<RelationColumn> added, bool evolve, CdcEvents? events, string mirror, CancellationToken cancellationToken)
    {
        var typed = new List<(string Name, string Type)>();
        foreach (var column in added)
        {
            await using var type = new NpgsqlCommand("SELECT format_type($1, $2)", target, transaction)
            {
                Parameters = { new() { Value = column.TypeId, NpgsqlDbType = NpgsqlDbType.Oid }, new() { Value = column.TypeModifier } },
            };
            typed.Add((column.Name, (string)(await type.ExecuteScalarAsync(cancellationToken))!));
        }

        var names = string.Join(", ", added.Select(c => c.Name));
        var source = relation.Schema + "." + relation.Table;
        if (!evolve)
        {
            var message =
                $"{source} gained column(s) {names} in the source, and on_new_columns is 'fail'. " +
                $"Add them to {qualified} by hand (or set on_new_columns: evolve) and run again; the slot has kept every change since.";
            events?.Drift(source, mirror, typed, evolved: false, message);
            throw new SchemaDriftException(message, source, added.Select(c => c.Name).ToList());
        }

        foreach (var (name, sqlType) in typed)
        {
            await using var alter = new NpgsqlCommand($"ALTER TABLE {qualified} ADD COLUMN IF NOT EXISTS {SqlText.Identifier(name)} {sqlType}", target, transaction);
            await alter.ExecuteNonQueryAsync(cancellationToken);
        }

        events?.Drift(source, mirror, typed, evolved: true, $"{source} gained column(s) {string.Join(", ", typed.Select(c => $"{c.Name} {c.Type}"))} in the source; added to {qualified} (on_new_columns: evolve).");
    }

    /// <summary>An insert or the new image of an update, as an upsert by key; unchanged large values are left as they are.</summary>
    public NpgsqlBatchCommand Upsert(string?[] row)
    {
        var columns = Enumerable.Range(0, row.Length).Where(i => !ReferenceEquals(row[i], ChangeEvent.Unchanged)).ToList();
        var shape = string.Join(',', columns);
        if (!_upserts.TryGetValue(shape, out var sql))
        {
            var names = columns.Select(i => SqlText.Identifier(Relation.Columns[i].Name)).ToList();
            var updates = columns.Where(i => !Key.Contains(i)).Select(i => $"{SqlText.Identifier(Relation.Columns[i].Name)} = EXCLUDED.{SqlText.Identifier(Relation.Columns[i].Name)}").ToList();
            var conflict = string.Join(", ", Key.Select(i => SqlText.Identifier(Relation.Columns[i].Name)));
            sql = $"INSERT INTO {Qualified} ({string.Join(", ", names)}) VALUES ({string.Join(", ", columns.Select((_, n) => "$" + (n + 1)))}) " +
                  $"ON CONFLICT ({conflict}) DO " + (updates.Count == 0 ? "NOTHING" : "UPDATE SET " + string.Join(", ", updates));
            _upserts[shape] = sql;
        }

        var command = new NpgsqlBatchCommand(sql);
        foreach (var i in columns)
        {
            command.Parameters.Add(Text(row[i]));
        }

        return command;
    }

    /// <summary>Deletes by the key in the old image (the source always sends the key of a deleted row).</summary>
    public NpgsqlBatchCommand Delete(string?[] before)
    {
        var where = string.Join(" AND ", Key.Select((i, n) => $"{SqlText.Identifier(Relation.Columns[i].Name)} = ${n + 1}"));
        var command = new NpgsqlBatchCommand($"DELETE FROM {Qualified} WHERE {where}");
        foreach (var i in Key)
        {
            command.Parameters.Add(Text(before[i]));
        }

        return command;
    }

    public bool KeyChanged(string?[] before, string?[] after) => Key.Any(i => before[i] is not null && before[i] != after[i]);

    /// <summary>Values travel as text of unknown type, so the server parses each as its column's type.</summary>
    private static NpgsqlParameter Text(string? value) => new() { Value = (object?)value ?? DBNull.Value, NpgsqlDbType = NpgsqlDbType.Unknown };
}
