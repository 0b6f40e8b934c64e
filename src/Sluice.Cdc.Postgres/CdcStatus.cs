using Npgsql;

namespace Sluice.Cdc.Postgres;

/// <summary>
/// How far behind a CDC task is, for <c>sluice cdc status</c>: the slot's confirmed position, the WAL
/// the source keeps for it (what grows without bound when nothing consumes the slot), and what the
/// target has applied.
/// </summary>
internal sealed record CdcStatus(string Slot, string Publication, SlotState? SlotState, string? AppliedLsn, DateTime? SourceCommitAt, DateTime? AppliedAt)
{
    public static async Task<CdcStatus> ReadAsync(CdcSettings settings, CancellationToken cancellationToken)
    {
        await using var source = new NpgsqlConnection(settings.Source.ConnectionString);
        await source.OpenAsync(cancellationToken);
        var slot = await SourceChecks.SlotAsync(source, settings.Slot, cancellationToken);
        await using var target = new NpgsqlConnection(settings.Target.ConnectionString);
        await target.OpenAsync(cancellationToken);
        if (await TargetState.ReadAsync(target, settings.TargetSchema, settings.Slot, cancellationToken) is null)
        {
            return new CdcStatus(settings.Slot, settings.Publication, slot, null, null, null);
        }

        await using var command = new NpgsqlCommand($"SELECT applied_lsn::text, source_commit_at, applied_at FROM {TargetState.Qualified(settings.TargetSchema)} WHERE slot = $1", target)
        {
            Parameters = { new() { Value = settings.Slot } },
        };
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new CdcStatus(
            settings.Slot,
            settings.Publication,
            slot,
            reader.GetString(0),
            reader.IsDBNull(1) ? null : reader.GetDateTime(1),
            reader.GetDateTime(2));
    }
}
