using System.Data;
using Npgsql;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Sluice.Engine.DuckDb;

namespace Sluice.Cdc.Postgres;

/// <summary>
/// <c>sluice cdc setup</c> and <c>drop</c>: the publication, the slot, and the initial snapshot. The
/// slot is created with an exported snapshot, and the tables are copied into the target under that
/// very snapshot, so the snapshot and the stream meet at the slot's consistent point: no change is
/// lost between them and none is applied twice. The target's copy and its position commit together.
/// </summary>
internal static class CdcSetup
{
    public sealed record Result(bool Created, long SnapshotRows, string ConsistentPoint);

    public static async Task<Result> SetupAsync(CdcSettings settings, string pipeline, Action<string> log, CancellationToken cancellationToken)
    {
        await using var source = new NpgsqlConnection(settings.Source.ConnectionString);
        await source.OpenAsync(cancellationToken);
        await SourceChecks.WalLevelAsync(source, settings, cancellationToken);
        await SourceChecks.TablesAsync(source, settings, cancellationToken);

        await using var target = new NpgsqlConnection(settings.Target.ConnectionString);
        await target.OpenAsync(cancellationToken);
        var slot = await SourceChecks.SlotAsync(source, settings.Slot, cancellationToken);
        var applied = await TargetState.ReadAsync(target, settings.TargetSchema, settings.Slot, cancellationToken);
        if (slot is not null && applied is not null)
        {
            log($"slot '{settings.Slot}' and its snapshot in the target already exist (applied up to {applied}); nothing to do");
            await EnsurePublicationAsync(source, settings, cancellationToken);
            return new Result(false, 0, applied.Value.ToString());
        }

        if (slot is { Active: true })
        {
            throw new NonRetryableException(SourceChecks.InUse(settings, slot));
        }

        if (slot is not null)
        {
            // A slot without a position in the target: an earlier setup died before its snapshot committed.
            log($"slot '{settings.Slot}' exists but the target has no snapshot for it (an earlier setup was interrupted): creating both again");
            await DropSlotAsync(source, settings.Slot, cancellationToken);
        }

        await EnsurePublicationAsync(source, settings, cancellationToken);
        await using var replication = new LogicalReplicationConnection(settings.ReplicationConnectionString());
        await replication.Open(cancellationToken);
        var created = await replication.CreatePgOutputReplicationSlot(settings.Slot, slotSnapshotInitMode: LogicalSlotSnapshotInitMode.Export, cancellationToken: cancellationToken);
        log($"created replication slot '{settings.Slot}' consistent at {created.ConsistentPoint}");
        var rows = await SnapshotAsync(source, target, settings, created.SnapshotName!, created.ConsistentPoint, log, cancellationToken);
        return new Result(true, rows, created.ConsistentPoint.ToString());
    }

    private static async Task EnsurePublicationAsync(NpgsqlConnection source, CdcSettings settings, CancellationToken cancellationToken)
    {
        var tables = string.Join(", ", settings.Tables.Select(t => SqlText.Qualified(t.Schema, t.Table)));
        await using var exists = new NpgsqlCommand("SELECT count(*) FROM pg_publication WHERE pubname = $1", source) { Parameters = { new() { Value = settings.Publication } } };
        var verb = (long)(await exists.ExecuteScalarAsync(cancellationToken))! > 0
            ? $"ALTER PUBLICATION {SqlText.Identifier(settings.Publication)} SET TABLE {tables}"
            : $"CREATE PUBLICATION {SqlText.Identifier(settings.Publication)} FOR TABLE {tables}";
        await using var command = new NpgsqlCommand(verb, source);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    private static async Task<long> SnapshotAsync(NpgsqlConnection source, NpgsqlConnection target, CdcSettings settings, string snapshot, NpgsqlTypes.NpgsqlLogSequenceNumber consistentPoint, Action<string> log, CancellationToken cancellationToken)
    {
        await using var read = await source.BeginTransactionAsync(IsolationLevel.RepeatableRead, cancellationToken);
        await using (var set = new NpgsqlCommand($"SET TRANSACTION SNAPSHOT {SqlText.Literal(snapshot)}", source, read))
        {
            await set.ExecuteNonQueryAsync(cancellationToken);
        }

        await using var write = await target.BeginTransactionAsync(cancellationToken);
        await TargetState.EnsureAsync(target, settings.TargetSchema, write, cancellationToken);
        long total = 0;
        foreach (var name in settings.Tables)
        {
            var table = await SourceTable.ReadAsync(source, name, read, cancellationToken);
            var qualified = SqlText.Qualified(settings.TargetSchema, name.Table);
            await using (var create = new NpgsqlCommand($"{table.CreateSql(settings.TargetSchema)}; TRUNCATE {qualified}", target, write))
            {
                await create.ExecuteNonQueryAsync(cancellationToken);
            }

            // Binary COPY straight from one server to the other: the types are the same on both sides,
            // and nothing is parsed or held in memory on the way.
            var columns = string.Join(", ", table.Columns.Select(c => SqlText.Identifier(c.Name)));
            await using (var output = await source.BeginRawBinaryCopyAsync($"COPY {SqlText.Qualified(name.Schema, name.Table)} ({columns}) TO STDOUT (FORMAT binary)", cancellationToken))
            await using (var input = await target.BeginRawBinaryCopyAsync($"COPY {qualified} ({columns}) FROM STDIN (FORMAT binary)", cancellationToken))
            {
                await output.CopyToAsync(input, cancellationToken);
            }

            await using var count = new NpgsqlCommand($"SELECT count(*) FROM {qualified}", target, write);
            var rows = (long)(await count.ExecuteScalarAsync(cancellationToken))!;
            log($"snapshot: {rows} row(s) of {name} copied to {settings.TargetSchema}.{name.Table}");
            total += rows;
        }

        await using (var batch = new NpgsqlBatch(target, write) { BatchCommands = { TargetState.Write(settings.TargetSchema, settings.Slot, consistentPoint, null) } })
        {
            await batch.ExecuteNonQueryAsync(cancellationToken);
        }

        await write.CommitAsync(cancellationToken);
        await read.CommitAsync(cancellationToken);
        return total;
    }

    /// <summary>Drops the slot (refusing while a process streams from it), the publication, and the target's position.</summary>
    public static async Task<IReadOnlyList<string>> DropAsync(CdcSettings settings, CancellationToken cancellationToken)
    {
        var done = new List<string>();
        await using var source = new NpgsqlConnection(settings.Source.ConnectionString);
        await source.OpenAsync(cancellationToken);
        if (await SourceChecks.SlotAsync(source, settings.Slot, cancellationToken) is { } slot)
        {
            if (slot.Active)
            {
                throw new NonRetryableException(SourceChecks.InUse(settings, slot));
            }

            await DropSlotAsync(source, settings.Slot, cancellationToken);
            done.Add($"dropped replication slot '{settings.Slot}'");
        }

        await using (var publication = new NpgsqlCommand($"DROP PUBLICATION IF EXISTS {SqlText.Identifier(settings.Publication)}", source))
        {
            await publication.ExecuteNonQueryAsync(cancellationToken);
        }

        done.Add($"dropped publication '{settings.Publication}' (if it existed)");
        await using var target = new NpgsqlConnection(settings.Target.ConnectionString);
        await target.OpenAsync(cancellationToken);
        await TargetState.DeleteAsync(target, settings.TargetSchema, settings.Slot, cancellationToken);
        done.Add("forgot the target's applied position (the mirrored tables are kept)");
        return done;
    }

    private static async Task DropSlotAsync(NpgsqlConnection source, string slot, CancellationToken cancellationToken)
    {
        await using var drop = new NpgsqlCommand("SELECT pg_drop_replication_slot($1)", source) { Parameters = { new() { Value = slot } } };
        await drop.ExecuteNonQueryAsync(cancellationToken);
    }
}
