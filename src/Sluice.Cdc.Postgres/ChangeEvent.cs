using NpgsqlTypes;

namespace Sluice.Cdc.Postgres;

/// <summary>What the replication stream says, copied out of Npgsql's reused buffers so it can wait in a queue.</summary>
internal abstract record StreamItem(NpgsqlLogSequenceNumber Lsn);

internal sealed record BeginItem(NpgsqlLogSequenceNumber Lsn, uint Xid, NpgsqlLogSequenceNumber FinalLsn, DateTime CommitAt) : StreamItem(Lsn);

internal sealed record CommitItem(NpgsqlLogSequenceNumber Lsn, NpgsqlLogSequenceNumber CommitLsn, NpgsqlLogSequenceNumber EndLsn, DateTime CommitAt) : StreamItem(Lsn);

/// <summary>A table's shape as the stream announces it (again after any change to it).</summary>
internal sealed record RelationItem(NpgsqlLogSequenceNumber Lsn, uint RelationId, string Schema, string Table, IReadOnlyList<RelationColumn> Columns) : StreamItem(Lsn);

internal sealed record RelationColumn(string Name, uint TypeId, int TypeModifier);

internal sealed record TruncateItem(NpgsqlLogSequenceNumber Lsn, IReadOnlyList<uint> RelationIds) : StreamItem(Lsn);

/// <summary>The marker a bounded drain writes into the WAL: everything committed before it has been seen.</summary>
internal sealed record MarkerItem(NpgsqlLogSequenceNumber Lsn, string Token) : StreamItem(Lsn);

/// <summary>
/// One row change in a Debezium-like envelope: <c>op</c> is <c>c</c> (insert), <c>u</c> (update) or
/// <c>d</c> (delete); <c>Before</c> is the old row as the source sends it (its key, or all columns
/// with REPLICA IDENTITY FULL), <c>After</c> the new one. A value is text, null for SQL NULL, and
/// <see cref="ChangeEvent.Unchanged"/> for a TOASTed value the update did not touch.
/// </summary>
internal sealed record ChangeEvent(NpgsqlLogSequenceNumber Lsn, char Op, uint RelationId, string?[]? Before, string?[]? After) : StreamItem(Lsn)
{
    /// <summary>Stands for a large value that an update left as it was (PostgreSQL does not resend it).</summary>
    public static readonly string Unchanged = new(['\u0000', 'u']);
}
