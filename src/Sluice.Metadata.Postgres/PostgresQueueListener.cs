using Npgsql;

namespace Sluice.Metadata.Postgres;

/// <summary>
/// One LISTEN connection per store, opened on the first <see cref="Mark"/>, that counts the queue's
/// notifications and wakes waiters. It reconnects after a failure and counts every (re)connection as a
/// notification, since work queued while nobody listened would otherwise be found only by polling.
/// </summary>
internal sealed class PostgresQueueListener(string connectionString, string channel) : IAsyncDisposable
{
    private static readonly TimeSpan Reconnect = TimeSpan.FromSeconds(1);
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private TaskCompletionSource _next = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _seen;
    private Task? _loop;

    public long Mark()
    {
        lock (_gate)
        {
            _loop ??= Task.Run(() => ListenAsync(_stop.Token));
            return _seen;
        }
    }

    public async Task WaitForWorkAsync(long mark, CancellationToken cancellationToken)
    {
        while (true)
        {
            Task next;
            lock (_gate)
            {
                if (_seen > mark)
                {
                    return;
                }

                next = _next.Task;
            }

            await next.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Wakes waiters after <paramref name="delay"/> as a notification would (work is likely claimable by then).</summary>
    public void WakeSoon(TimeSpan delay) =>
        _ = Task.Delay(delay, _stop.Token).ContinueWith(_ => Signal(), CancellationToken.None, TaskContinuationOptions.OnlyOnRanToCompletion, TaskScheduler.Default);

    private void Signal()
    {
        TaskCompletionSource woken;
        lock (_gate)
        {
            _seen++;
            woken = _next;
            _next = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        woken.TrySetResult();
    }

    private async Task ListenAsync(CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(connectionString);
                await connection.OpenAsync(stop);
                connection.Notification += (_, _) => Signal();
                await using (var listen = new NpgsqlCommand($"LISTEN {PostgresSchema.Quote(channel)}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stop);
                }

                Signal();
                while (true)
                {
                    await connection.WaitAsync(stop);
                }
            }
            catch (OperationCanceledException) when (stop.IsCancellationRequested)
            {
                return;
            }
            catch (Exception e) when (e is NpgsqlException or TimeoutException or IOException or InvalidOperationException)
            {
                // Workers keep polling meanwhile; the store's own calls report the outage.
                try
                {
                    await Task.Delay(Reconnect, stop);
                }
                catch (OperationCanceledException)
                {
                    return;
                }
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        Task? loop;
        lock (_gate)
        {
            loop = _loop;
        }

        if (loop is not null)
        {
            await loop;
        }

        _stop.Dispose();
    }
}
