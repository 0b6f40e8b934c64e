using Npgsql;
using NpgsqlTypes;
using Sluice.Engine.DuckDb;

namespace Sluice.Cdc.Postgres;

/// <summary>
/// The position a target has applied, kept in the target itself (<c>sluice_cdc_state</c> in the
/// target schema) and written in the same transaction as the rows it covers: after a crash the
/// target and its position agree, so a source transaction at or below it is skipped, never applied twice.
/// </summary>
internal static class TargetState
{
    public const string Table = "sluice_cdc_state";

    public static string Qualified(string schema) => SqlText.Qualified(schema, Table);

    public static async Task EnsureAsync(NpgsqlConnection target, string schema, NpgsqlTransaction? transaction, CancellationToken cancellationToken)
    {
        var sql = $"""
            CREATE SCHEMA IF NOT EXISTS {SqlText.Identifier(schema)};
            CREATE TABLE IF NOT EXISTS {Qualified(schema)} (
                slot text PRIMARY KEY,
                applied_lsn pg_lsn NOT NULL,
                source_commit_at timestamptz,
                applied_at timestamptz NOT NULL DEFAULT now())
            """;
        await using var command = new NpgsqlCommand(sql, target, transaction);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>The applied position, or null when this slot has never completed its snapshot here.</summary>
    public static async Task<NpgsqlLogSequenceNumber?> ReadAsync(NpgsqlConnection target, string schema, string slot, CancellationToken cancellationToken)
    {
        await using var exists = new NpgsqlCommand("SELECT to_regclass($1) IS NOT NULL", target) { Parameters = { new() { Value = Qualified(schema) } } };
        if (!(bool)(await exists.ExecuteScalarAsync(cancellationToken))!)
        {
            return null;
        }

        await using var command = new NpgsqlCommand($"SELECT applied_lsn FROM {Qualified(schema)} WHERE slot = $1", target) { Parameters = { new() { Value = slot } } };
        return await command.ExecuteScalarAsync(cancellationToken) is NpgsqlLogSequenceNumber lsn ? lsn : null;
    }

    public static NpgsqlBatchCommand Write(string schema, string slot, NpgsqlLogSequenceNumber lsn, DateTime? commitAt) =>
        new($"""
            INSERT INTO {Qualified(schema)} (slot, applied_lsn, source_commit_at, applied_at) VALUES ($1, $2, $3, now())
            ON CONFLICT (slot) DO UPDATE SET applied_lsn = EXCLUDED.applied_lsn, source_commit_at = EXCLUDED.source_commit_at, applied_at = EXCLUDED.applied_at
            """)
        {
            Parameters =
            {
                new() { Value = slot },
                new() { Value = lsn, NpgsqlDbType = NpgsqlDbType.PgLsn },
                new() { Value = commitAt is { } at ? at : DBNull.Value, NpgsqlDbType = NpgsqlDbType.TimestampTz },
            },
        };

    public static async Task DeleteAsync(NpgsqlConnection target, string schema, string slot, CancellationToken cancellationToken)
    {
        if (await ReadAsync(target, schema, slot, cancellationToken) is null)
        {
            return;
        }

        await using var command = new NpgsqlCommand($"DELETE FROM {Qualified(schema)} WHERE slot = $1", target) { Parameters = { new() { Value = slot } } };
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
