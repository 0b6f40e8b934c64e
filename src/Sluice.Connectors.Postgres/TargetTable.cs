using Npgsql;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Postgres;

/// <summary>Catalog look-ups and DDL for one target table, all inside the load's transaction.</summary>
internal sealed class TargetTable(NpgsqlConnection connection, string schema, string table)
{
    public string Schema => schema;

    public string Table => table;

    public string Quoted => SqlText.Qualified(schema, table);

    public override string ToString() => $"{schema}.{table}";

    /// <summary>The table's OID, or null when it does not exist (views and other relations do not count).</summary>
    public async Task<uint?> FindAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT c.oid FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = @s AND c.relname = @t AND c.relkind IN ('r', 'p')",
            connection);
        command.Parameters.AddWithValue("s", schema);
        command.Parameters.AddWithValue("t", table);
        return await command.ExecuteScalarAsync(cancellationToken) is uint oid ? oid : null;
    }

    public async Task<List<PgColumn>> ColumnsAsync(uint oid, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT a.attname, format_type(a.atttypid, a.atttypmod), coalesce(b.typname, t.typname), coalesce(eb.typname, e.typname)
            FROM pg_attribute a
            JOIN pg_type t ON t.oid = a.atttypid
            LEFT JOIN pg_type b ON t.typtype = 'd' AND b.oid = t.typbasetype
            LEFT JOIN pg_type e ON t.typcategory = 'A' AND e.oid = t.typelem
            LEFT JOIN pg_type eb ON e.typtype = 'd' AND eb.oid = e.typbasetype
            WHERE a.attrelid = @oid AND a.attnum > 0 AND NOT a.attisdropped
            ORDER BY a.attnum
            """,
            connection);
        command.Parameters.AddWithValue("oid", NpgsqlTypes.NpgsqlDbType.Oid, oid);
        var columns = new List<PgColumn>();
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            var element = reader.IsDBNull(3) ? (PgKind?)null : PgTypes.KindOf(reader.GetString(3));
            columns.Add(new PgColumn(reader.GetString(0), reader.GetString(1), element is null ? PgTypes.KindOf(reader.GetString(2)) : PgKind.Other, element));
        }

        return columns;
    }

    /// <summary>Whether a unique index without predicate or expressions covers exactly these columns, as ON CONFLICT needs.</summary>
    public async Task<bool> HasUniqueIndexAsync(uint oid, IReadOnlyList<string> columns, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            """
            SELECT EXISTS (
              SELECT 1 FROM pg_index i
              WHERE i.indrelid = @oid AND i.indisunique AND i.indpred IS NULL AND i.indexprs IS NULL AND i.indnkeyatts = @n
                AND (SELECT array_agg(a.attname::text ORDER BY a.attname::text COLLATE "C")
                     FROM unnest(i.indkey[0:i.indnkeyatts - 1]) k JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = k) = @cols)
            """,
            connection);
        command.Parameters.AddWithValue("oid", NpgsqlTypes.NpgsqlDbType.Oid, oid);
        command.Parameters.AddWithValue("n", (short)columns.Count);
        command.Parameters.AddWithValue("cols", columns.Order(StringComparer.Ordinal).ToArray());
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }

    public async Task CreateAsync(IReadOnlyList<PgColumn> columns, string? name, CancellationToken cancellationToken)
    {
        if (!await SchemaExistsAsync(cancellationToken))
        {
            // Two loads (tasks of one run) creating the same schema at once both pass the check, and
            // IF NOT EXISTS does not stop the slower one failing on pg_namespace's unique index. This
            // lock, held until commit, makes it wait and then see the schema the other one created.
            await using (var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('sluice create schema'), hashtext(@s))", connection))
            {
                command.Parameters.AddWithValue("s", schema);
                await command.ExecuteNonQueryAsync(cancellationToken);
            }

            if (!await SchemaExistsAsync(cancellationToken))
            {
                await ExecuteAsync($"CREATE SCHEMA {SqlText.Identifier(schema)}", cancellationToken);
            }
        }

        var definition = string.Join(", ", columns.Select(c => $"{SqlText.Identifier(c.Name)} {c.Declared}"));
        await ExecuteAsync($"CREATE TABLE {SqlText.Qualified(schema, name ?? table)} ({definition})", cancellationToken);
    }

    public Task AddColumnAsync(PgColumn column, CancellationToken cancellationToken) =>
        ExecuteAsync($"ALTER TABLE {Quoted} ADD COLUMN {SqlText.Identifier(column.Name)} {column.Declared}", cancellationToken);

    public Task CreateUniqueIndexAsync(IReadOnlyList<string> key, CancellationToken cancellationToken) =>
        ExecuteAsync($"CREATE UNIQUE INDEX ON {Quoted} ({string.Join(", ", key.Select(SqlText.Identifier))})", cancellationToken);

    /// <summary>
    /// Makes a second replace of this table wait for the first to commit. Two swaps at once otherwise
    /// deadlock (each holds a lock on the old table from CREATE TABLE LIKE and waits for the other's to
    /// DROP it), and the loser would rename its copy over the winner's. Readers take no such lock.
    /// </summary>
    public async Task LockForReplaceAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT pg_advisory_xact_lock(hashtext('sluice replace'), hashtext(@t))", connection);
        command.Parameters.AddWithValue("t", Quoted);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>Rows of the table, or of <paramref name="quotedTable"/> (a table this load created), matching <paramref name="where"/>.</summary>
    public async Task<long> CountAsync(string where = "true", string? quotedTable = null, CancellationToken cancellationToken = default)
    {
        await using var command = new NpgsqlCommand($"SELECT count(*) FROM {quotedTable ?? Quoted} WHERE {where}", connection);
        return (long)(await command.ExecuteScalarAsync(cancellationToken))!;
    }

    public async Task ExecuteAsync(string sql, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task<bool> SchemaExistsAsync(CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT EXISTS (SELECT 1 FROM pg_namespace WHERE nspname = @s)", connection);
        command.Parameters.AddWithValue("s", schema);
        return await command.ExecuteScalarAsync(cancellationToken) is true;
    }
}
