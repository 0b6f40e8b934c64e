using System.Threading.Channels;
using Npgsql;
using Sluice.Engine.DuckDb;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// Streams a staged dataset into a binary COPY on two threads: one reads and converts rows from
/// DuckDB, the other writes them to the socket, so neither waits for the other (measured: reading
/// and writing each take about half of a sequential load). Batches are bounded, so memory is too.
/// </summary>
internal static class PipelinedCopy
{
    private const int Batches = 4;

    public static async Task<long> RunAsync(NpgsqlBinaryImporter importer, DatasetReader input, IReadOnlyList<PgColumn> columns, CancellationToken cancellationToken)
    {
        var width = columns.Count;
        var readers = columns.Select((c, i) => CopyValues.Reader(c, input.Columns[i].Type)).ToArray();
        var writers = columns.Select(CopyValues.Writer).ToArray();
        // Keep a batch's array under the large object heap threshold (85 KB).
        var rowsPerBatch = Math.Max(16, 8192 / width);
        var channel = Channel.CreateBounded<(object?[] Values, int Rows)>(new BoundedChannelOptions(Batches) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var producer = Task.Run(() => ProduceAsync(input, readers, rowsPerBatch, channel.Writer, stop.Token), stop.Token);
        try
        {
            await foreach (var (values, rows) in channel.Reader.ReadAllAsync(cancellationToken))
            {
                for (var row = 0; row < rows; row++)
                {
                    await importer.StartRowAsync(cancellationToken);
                    var offset = row * width;
                    for (var i = 0; i < width; i++)
                    {
                        if (values[offset + i] is { } value)
                        {
                            writers[i](value, importer);
                        }
                        else
                        {
                            importer.WriteNull();
                        }
                    }
                }
            }

            await producer;
            return (long)await importer.CompleteAsync(cancellationToken);
        }
        catch
        {
            // The reader must stop before the dataset is disposed; its own error, if any, came through the channel.
            await stop.CancelAsync();
            await producer.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
            throw;
        }
    }

    private static async Task ProduceAsync(DatasetReader input, Func<System.Data.Common.DbDataReader, int, object>[] readers, int rowsPerBatch, ChannelWriter<(object?[], int)> output, CancellationToken cancellationToken)
    {
        try
        {
            var reader = input.Rows;
            var width = readers.Length;
            var values = new object?[rowsPerBatch * width];
            var rows = 0;
            while (await reader.ReadAsync(cancellationToken))
            {
                var offset = rows * width;
                for (var i = 0; i < width; i++)
                {
                    values[offset + i] = reader.IsDBNull(i) ? null : readers[i](reader, i);
                }

                if (++rows == rowsPerBatch)
                {
                    await output.WriteAsync((values, rows), cancellationToken);
                    values = new object?[rowsPerBatch * width];
                    rows = 0;
                }
            }

            if (rows > 0)
            {
                await output.WriteAsync((values, rows), cancellationToken);
            }

            output.Complete();
        }
        catch (Exception e)
        {
            output.Complete(e);
        }
    }
}
