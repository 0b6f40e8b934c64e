using System.Diagnostics;
using Npgsql;
using NpgsqlTypes;

namespace Sluice.Cdc.Postgres;

/// <summary>
/// Applies the stream to the mirror in source commit order. Whole source transactions go into one
/// target transaction (several of them when they arrive back to back, up to the batch size), which
/// also writes the last applied commit position: a crash anywhere leaves the target at a source
/// transaction boundary that it knows, and a transaction at or below it is skipped on replay.
/// </summary>
internal sealed class MirrorApplier(NpgsqlConnection target, CdcSettings settings, NpgsqlLogSequenceNumber applied, Action<ChangeEvent, BeginItem, MirrorTable>? observe = null, CdcEvents? events = null)
{
    private const int StatementsPerRoundTrip = 500;
    private readonly Dictionary<uint, RelationItem> _relations = [];
    private readonly Dictionary<uint, MirrorTable> _tables = [];
    private readonly List<NpgsqlBatchCommand> _pending = [];
    private NpgsqlTransaction? _transaction;
    private BeginItem? _current;
    private bool _skipping;
    private long _changesSinceCommit;
    private CommitItem? _lastCommit;
    private long _transactionStarted;
    private long _transactionsSinceCommit;

    /// <summary>The last source commit position the target holds.</summary>
    public NpgsqlLogSequenceNumber Applied { get; private set; } = applied;

    public long ChangesApplied { get; private set; }

    public long TransactionsApplied { get; private set; }

    public long TransactionsSkipped { get; private set; }

    /// <summary>Source commit time of the last transaction committed to the target, for lag.</summary>
    public DateTime? LastCommitAt { get; private set; }

    /// <summary>
    /// Handles one item. Returns the end position of the source transaction when the target holds
    /// everything up to it (so the slot may be confirmed there), else null.
    /// </summary>
    public async Task<NpgsqlLogSequenceNumber?> HandleAsync(StreamItem item, bool moreQueued, CancellationToken cancellationToken)
    {
        switch (item)
        {
            case RelationItem relation:
                _relations[relation.RelationId] = relation;
                _tables.Remove(relation.RelationId);
                return null;
            case BeginItem begin:
                _current = begin;
                _skipping = begin.FinalLsn <= Applied;
                return null;
            case ChangeEvent change when !_skipping:
                await ApplyAsync(change, cancellationToken);
                return null;
            case TruncateItem truncate when !_skipping:
                await EnsureTransactionAsync(cancellationToken);
                foreach (var id in truncate.RelationIds)
                {
                    _pending.Add(new NpgsqlBatchCommand($"TRUNCATE {(await TableAsync(id, cancellationToken)).Qualified}"));
                }

                return null;
            case CommitItem commit when _skipping:
                TransactionsSkipped++;
                if (_transaction is null)
                {
                    events?.Applied(1);
                    return commit.EndLsn;
                }

                _transactionsSinceCommit++;
                return null;
            case CommitItem commit:
                _lastCommit = commit;
                TransactionsApplied++;
                _transactionsSinceCommit++;
                if (_transaction is not null && moreQueued && _changesSinceCommit < settings.BatchChanges && Stopwatch.GetElapsedTime(_transactionStarted) < settings.CommitInterval)
                {
                    return null;
                }

                await CommitAsync(cancellationToken);
                return commit.EndLsn;
            default:
                return null;
        }
    }

    /// <summary>Commits whatever whole transactions are pending (at a marker, or when the stream ends).</summary>
    public async Task<NpgsqlLogSequenceNumber?> FlushAsync(CancellationToken cancellationToken)
    {
        if (_transaction is null)
        {
            return null;
        }

        await CommitAsync(cancellationToken);
        return _lastCommit?.EndLsn;
    }

    private async Task ApplyAsync(ChangeEvent change, CancellationToken cancellationToken)
    {
        await EnsureTransactionAsync(cancellationToken);
        var table = await TableAsync(change.RelationId, cancellationToken);
        observe?.Invoke(change, _current!, table);
        if (change.Op == 'd')
        {
            _pending.Add(table.Delete(change.Before!));
        }
        else
        {
            if (change.Before is { } before && table.KeyChanged(before, change.After!))
            {
                _pending.Add(table.Delete(before));
            }

            _pending.Add(table.Upsert(change.After!));
        }

        _changesSinceCommit++;
        ChangesApplied++;
        if (_pending.Count >= StatementsPerRoundTrip)
        {
            await SendPendingAsync(cancellationToken);
        }
    }

    private async Task<MirrorTable> TableAsync(uint relationId, CancellationToken cancellationToken)
    {
        if (_tables.TryGetValue(relationId, out var table))
        {
            return table;
        }

        var relation = _relations.TryGetValue(relationId, out var r) ? r : throw new SluiceException($"the replication stream sent a change for relation {relationId} before describing it; run again.");
        // A column added to the target changes the statements: send what was built for the old shape first.
        await SendPendingAsync(cancellationToken);
        table = await MirrorTable.ResolveAsync(target, _transaction!, relation, settings.TargetSchema, settings.EvolveNewColumns, events, cancellationToken);
        _tables[relationId] = table;
        return table;
    }

    private async Task EnsureTransactionAsync(CancellationToken cancellationToken)
    {
        if (_transaction is null)
        {
            _transaction = await target.BeginTransactionAsync(cancellationToken);
            _transactionStarted = Stopwatch.GetTimestamp();
        }
    }

    private async Task SendPendingAsync(CancellationToken cancellationToken)
    {
        if (_pending.Count == 0)
        {
            return;
        }

        await using var batch = new NpgsqlBatch(target, _transaction);
        foreach (var command in _pending)
        {
            batch.BatchCommands.Add(command);
        }

        _pending.Clear();
        await batch.ExecuteNonQueryAsync(cancellationToken);
    }

    private async Task CommitAsync(CancellationToken cancellationToken)
    {
        var commit = _lastCommit!;
        await EnsureTransactionAsync(cancellationToken);
        _pending.Add(TargetState.Write(settings.TargetSchema, settings.Slot, commit.CommitLsn, commit.CommitAt));
        await SendPendingAsync(cancellationToken);
        await _transaction!.CommitAsync(cancellationToken);
        await _transaction.DisposeAsync();
        _transaction = null;
        _changesSinceCommit = 0;
        events?.Applied(_transactionsSinceCommit);
        _transactionsSinceCommit = 0;
        Applied = commit.CommitLsn;
        LastCommitAt = commit.CommitAt;
    }
}
