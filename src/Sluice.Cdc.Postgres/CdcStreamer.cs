using System.Threading.Channels;
using Npgsql;
using Npgsql.Replication;
using NpgsqlTypes;

namespace Sluice.Cdc.Postgres;

/// <summary>
/// Streams the slot into the mirror: bounded (up to the WAL position current at the start, marked
/// by a logical decoding message, so it fits a scheduled task) or until cancelled. The slot is
/// confirmed only at positions the target has committed, so a killed process resumes from the slot
/// and skips, by position, what the target already holds.
/// </summary>
internal static class CdcStreamer
{
    public sealed record Result(long Changes, long Transactions, long Skipped, string Applied);

    public static async Task<Result> RunAsync(CdcSettings settings, string pipeline, bool bounded, Action<string> log, Action<ChangeEvent, BeginItem, MirrorTable>? observe, CancellationToken cancellationToken, CdcEvents? events = null)
    {
        await using var source = new NpgsqlConnection(settings.Source.ConnectionString);
        await source.OpenAsync(cancellationToken);
        await SourceChecks.WalLevelAsync(source, settings, cancellationToken);
        var slot = await SourceChecks.SlotAsync(source, settings.Slot, cancellationToken)
            ?? throw new NonRetryableException(SourceChecks.Missing(settings, pipeline));
        if (slot.Active)
        {
            throw new NonRetryableException(SourceChecks.InUse(settings, slot));
        }

        await using var target = new NpgsqlConnection(settings.Target.ConnectionString);
        await target.OpenAsync(cancellationToken);
        var applied = await TargetState.ReadAsync(target, settings.TargetSchema, settings.Slot, cancellationToken)
            ?? throw new NonRetryableException(
                $"{settings.Where}: the target ({settings.TargetDescription}) has no applied position for slot '{settings.Slot}', so its initial snapshot never completed there. " +
                $"Run `sluice cdc drop {pipeline}` and `sluice cdc setup {pipeline}` to take the snapshot again.");

        await using var replication = new LogicalReplicationConnection(settings.ReplicationConnectionString())
        {
            // Confirmations reach the server within a second, so status and retained WAL stay current.
            WalReceiverStatusInterval = TimeSpan.FromSeconds(1),
        };
        await replication.Open(cancellationToken);
        string? token = null;
        if (bounded)
        {
            token = Guid.NewGuid().ToString("N");
            await using var mark = new NpgsqlCommand("SELECT pg_logical_emit_message(false, $1, $2)::text", source)
            {
                Parameters = { new() { Value = ReplicationReader.MarkerPrefix }, new() { Value = token } },
            };
            log($"draining slot '{settings.Slot}' from {slot.ConfirmedLsn} up to {await mark.ExecuteScalarAsync(cancellationToken)}");
        }

        var applier = new MirrorApplier(target, settings, applied, observe, events);
        var queue = Channel.CreateBounded<StreamItem>(new BoundedChannelOptions(4096) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reading = ReplicationReader.ReadAsync(replication, settings.Slot, settings.Publication, queue.Writer, events, stop.Token);
        var sampling = events is null ? Task.CompletedTask : SampleLagAsync(source, settings, events, applier, stop.Token);
        try
        {
            await ApplyAsync(replication, applier, queue.Reader, token, cancellationToken);
            await replication.SendStatusUpdate(cancellationToken);
            await stop.CancelAsync();
            await sampling;
            if (events is not null && await SourceChecks.SlotAsync(source, settings.Slot, cancellationToken) is { } last)
            {
                events.Lag(settings, last, applier.Applied.ToString(), final: true);
            }
        }
        catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.ObjectInUse)
        {
            throw new NonRetryableException($"{settings.Where}: replication slot '{settings.Slot}' is in use by another process. Stop it first, or give this task its own slot with option 'slot'.");
        }
        finally
        {
            await stop.CancelAsync();
            await Task.WhenAny(reading, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
            // On a failure the sampler may still be reading the slot: let it end before its connection closes.
            await Task.WhenAny(sampling, Task.Delay(TimeSpan.FromSeconds(5), CancellationToken.None));
        }

        log($"applied {applier.ChangesApplied} change(s) in {applier.TransactionsApplied} transaction(s), skipped {applier.TransactionsSkipped} already applied; target at {applier.Applied}");
        return new Result(applier.ChangesApplied, applier.TransactionsApplied, applier.TransactionsSkipped, applier.Applied.ToString());
    }

    /// <summary>The slot's retained WAL and lag, as a cdc_lag event every <see cref="CdcEvents.LagEvery"/> until stopped.</summary>
    private static async Task SampleLagAsync(NpgsqlConnection source, CdcSettings settings, CdcEvents events, MirrorApplier applier, CancellationToken stop)
    {
        try
        {
            while (true)
            {
                await Task.Delay(events.LagEvery, events.Time, stop);
                if (await SourceChecks.SlotAsync(source, settings.Slot, stop) is { } slot)
                {
                    events.Lag(settings, slot, applier.Applied.ToString(), final: false);
                }
            }
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            // The stream ended; the caller takes the last sample.
        }
    }

    private static async Task ApplyAsync(LogicalReplicationConnection replication, MirrorApplier applier, ChannelReader<StreamItem> queue, string? token, CancellationToken cancellationToken)
    {
        while (await queue.WaitToReadAsync(cancellationToken))
        {
            while (queue.TryRead(out var item))
            {
                if (item is MarkerItem marker)
                {
                    if (marker.Token != token)
                    {
                        continue;
                    }

                    // Everything committed before the marker has been handled: commit it, and confirm up to
                    // the marker so an idle slot does not hold WAL back.
                    await applier.FlushAsync(cancellationToken);
                    replication.SetReplicationStatus(marker.Lsn);
                    return;
                }

                if (await applier.HandleAsync(item, queue.Count > 0, cancellationToken) is { } confirmed)
                {
                    replication.SetReplicationStatus(confirmed);
                }
            }
        }

        await applier.FlushAsync(cancellationToken);
    }
}
