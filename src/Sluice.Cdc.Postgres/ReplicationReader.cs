using System.Threading.Channels;
using Npgsql.Replication;
using Npgsql.Replication.PgOutput;
using Npgsql.Replication.PgOutput.Messages;

namespace Sluice.Cdc.Postgres;

/// <summary>
/// Reads the slot's pgoutput stream and queues each message as a <see cref="StreamItem"/>. The queue
/// is bounded, so a transaction of any size passes through in constant memory: the server sends it
/// (spilled to disk on its side while it was open), this reads a message only when the applier
/// has room for it.
/// </summary>
internal static class ReplicationReader
{
    public const string MarkerPrefix = "sluice.cdc.drain";

    public static async Task ReadAsync(LogicalReplicationConnection connection, string slot, string publication, ChannelWriter<StreamItem> queue, CdcEvents? events, CancellationToken cancellationToken)
    {
        var options = new PgOutputReplicationOptions(publication, PgOutputProtocolVersion.V1, binary: false, streamingMode: PgOutputStreamingMode.Off, messages: true);
        try
        {
            await foreach (var message in connection.StartReplication(new PgOutputReplicationSlot(slot), options, cancellationToken))
            {
                if (await ToItemAsync(message, cancellationToken) is { } item)
                {
                    if (item is BeginItem begin)
                    {
                        events?.Received(begin.CommitAt);
                    }

                    await queue.WriteAsync(item, cancellationToken);
                }
            }

            queue.TryComplete();
        }
        catch (Exception e)
        {
            queue.TryComplete(e);
        }
    }

    private static async Task<StreamItem?> ToItemAsync(PgOutputReplicationMessage message, CancellationToken cancellationToken) => message switch
    {
        BeginMessage begin => new BeginItem(begin.WalStart, begin.TransactionXid, begin.TransactionFinalLsn, begin.TransactionCommitTimestamp),
        CommitMessage commit => new CommitItem(commit.WalStart, commit.CommitLsn, commit.TransactionEndLsn, commit.TransactionCommitTimestamp),
        RelationMessage relation => new RelationItem(
            relation.WalStart,
            relation.RelationId,
            relation.Namespace,
            relation.RelationName,
            relation.Columns.Select(c => new RelationColumn(c.ColumnName, c.DataTypeId, c.TypeModifier)).ToList()),
        InsertMessage insert => new ChangeEvent(insert.WalStart, 'c', insert.Relation.RelationId, null, await ValuesAsync(insert.NewRow, cancellationToken)),
        FullUpdateMessage update => new ChangeEvent(update.WalStart, 'u', update.Relation.RelationId, await ValuesAsync(update.OldRow, cancellationToken), await ValuesAsync(update.NewRow, cancellationToken)),
        IndexUpdateMessage update => new ChangeEvent(update.WalStart, 'u', update.Relation.RelationId, await ValuesAsync(update.Key, cancellationToken), await ValuesAsync(update.NewRow, cancellationToken)),
        UpdateMessage update => new ChangeEvent(update.WalStart, 'u', update.Relation.RelationId, null, await ValuesAsync(update.NewRow, cancellationToken)),
        FullDeleteMessage delete => new ChangeEvent(delete.WalStart, 'd', delete.Relation.RelationId, await ValuesAsync(delete.OldRow, cancellationToken), null),
        KeyDeleteMessage delete => new ChangeEvent(delete.WalStart, 'd', delete.Relation.RelationId, await ValuesAsync(delete.Key, cancellationToken), null),
        TruncateMessage truncate => new TruncateItem(truncate.WalStart, truncate.Relations.Select(r => r.RelationId).ToList()),
        LogicalDecodingMessage { Prefix: MarkerPrefix } marker => new MarkerItem(marker.MessageLsn, await TextAsync(marker.Data, cancellationToken)),
        _ => null,
    };

    private static async Task<string?[]> ValuesAsync(ReplicationTuple tuple, CancellationToken cancellationToken)
    {
        var values = new string?[tuple.NumColumns];
        var i = 0;
        await foreach (var value in tuple)
        {
            values[i++] = value.Kind switch
            {
                TupleDataKind.Null => null,
                TupleDataKind.UnchangedToastedValue => ChangeEvent.Unchanged,
                _ => await value.GetTextReader().ReadToEndAsync(cancellationToken),
            };
        }

        return values;
    }

    private static async Task<string> TextAsync(Stream data, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(data);
        return await reader.ReadToEndAsync(cancellationToken);
    }
}
