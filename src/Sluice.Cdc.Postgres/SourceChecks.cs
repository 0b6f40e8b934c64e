using Npgsql;

namespace Sluice.Cdc.Postgres;

/// <summary>
/// What the source must offer before a slot is worth creating: wal_level = logical, every table
/// present with a primary key (a mirror upserts and deletes by key), and a slot nobody else holds.
/// Each failure is one message that names the fix.
/// </summary>
internal static class SourceChecks
{
    public static async Task WalLevelAsync(NpgsqlConnection source, CdcSettings settings, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT current_setting('wal_level')", source);
        var level = (string)(await command.ExecuteScalarAsync(cancellationToken))!;
        if (WalLevelProblem(level, settings.SourceDescription) is { } problem)
        {
            throw new NonRetryableException(problem);
        }
    }

    /// <summary>Null when the level allows logical decoding.</summary>
    public static string? WalLevelProblem(string level, string source) =>
        string.Equals(level, "logical", StringComparison.OrdinalIgnoreCase)
            ? null
            : $"{source}: wal_level is '{level}', and change data capture needs 'logical'. " +
              "Run ALTER SYSTEM SET wal_level = logical (or set it in postgresql.conf), make sure max_replication_slots and max_wal_senders are at least 1, and restart the server.";

    /// <summary>Every captured table exists and has a primary key; all problems are reported together.</summary>
    public static async Task TablesAsync(NpgsqlConnection source, CdcSettings settings, CancellationToken cancellationToken)
    {
        if (settings.Tables.Count == 0)
        {
            throw new NonRetryableException($"{settings.Where}: option 'tables' lists no table. Name the tables to capture, e.g. tables: [public.orders].");
        }

        const string sql = """
            SELECT c.relreplident::text, EXISTS (SELECT 1 FROM pg_index i WHERE i.indrelid = c.oid AND i.indisprimary)
            FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
            WHERE n.nspname = $1 AND c.relname = $2 AND c.relkind IN ('r', 'p')
            """;
        var problems = new List<string>();
        foreach (var table in settings.Tables)
        {
            await using var command = new NpgsqlCommand(sql, source) { Parameters = { new() { Value = table.Schema }, new() { Value = table.Table } } };
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                problems.Add($"table {table} does not exist in {settings.SourceDescription}; check option 'tables' (write schema.table).");
                continue;
            }

            var identity = reader.GetString(0);
            var hasKey = reader.GetBoolean(1);
            if (!hasKey)
            {
                problems.Add(identity == "n"
                    ? $"table {table} has no primary key and REPLICA IDENTITY NOTHING, so its updates and deletes cannot be captured. Add a primary key (ALTER TABLE {table} ADD PRIMARY KEY (...))."
                    : $"table {table} has no primary key, so its rows cannot be mirrored (updates and deletes are applied by key). Add a primary key (ALTER TABLE {table} ADD PRIMARY KEY (...)).");
            }
            else if (identity == "n")
            {
                // Published with no replica identity, the source itself would refuse the table's UPDATEs and DELETEs.
                problems.Add($"table {table} has REPLICA IDENTITY NOTHING, so once published its updates and deletes would fail in the source and could not be captured. Run ALTER TABLE {table} REPLICA IDENTITY DEFAULT (the primary key).");
            }
        }

        if (problems.Count > 0)
        {
            throw new NonRetryableException($"{settings.Where}: " + string.Join(" ", problems) + " Nothing was created.");
        }
    }

    /// <summary>The slot's state on the source, or null when it does not exist.</summary>
    public static async Task<SlotState?> SlotAsync(NpgsqlConnection source, string slot, CancellationToken cancellationToken)
    {
        const string sql = """
            SELECT s.active, s.active_pid, s.plugin, s.database,
                   s.confirmed_flush_lsn::text,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), s.confirmed_flush_lsn)::bigint,
                   pg_wal_lsn_diff(pg_current_wal_lsn(), s.restart_lsn)::bigint,
                   pg_current_wal_lsn()::text
            FROM pg_replication_slots s WHERE s.slot_name = $1
            """;
        await using var command = new NpgsqlCommand(sql, source) { Parameters = { new() { Value = slot } } };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        return new SlotState(
            slot,
            reader.GetBoolean(0),
            reader.IsDBNull(1) ? null : reader.GetInt32(1),
            reader.IsDBNull(2) ? null : reader.GetString(2),
            reader.IsDBNull(3) ? null : reader.GetString(3),
            reader.IsDBNull(4) ? null : reader.GetString(4),
            reader.IsDBNull(5) ? null : reader.GetInt64(5),
            reader.IsDBNull(6) ? null : reader.GetInt64(6),
            reader.GetString(7));
    }

    /// <summary>A slot that another process streams from cannot be shared: say who holds it and what to do.</summary>
    public static string InUse(CdcSettings settings, SlotState slot) =>
        $"{settings.Where}: replication slot '{slot.Name}' is in use by server process {slot.ActivePid?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} " +
        "(another `sluice cdc run` or task of this pipeline?). Stop that process first, or give this task its own slot with option 'slot'.";

    public static string Missing(CdcSettings settings, string pipeline) =>
        $"{settings.Where}: replication slot '{settings.Slot}' does not exist in {settings.SourceDescription}. " +
        $"Create it, with the initial snapshot, by running `sluice cdc setup {pipeline}`.";
}

/// <summary>A replication slot as pg_replication_slots shows it.</summary>
internal sealed record SlotState(string Name, bool Active, int? ActivePid, string? Plugin, string? Database, string? ConfirmedLsn, long? LagBytes, long? RetainedBytes, string CurrentLsn);
