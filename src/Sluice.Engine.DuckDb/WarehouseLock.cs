using System.Collections.Concurrent;

namespace Sluice.Engine.DuckDb;

/// <summary>
/// One turn at a time per DuckDB database file in this process. DuckDB resolves concurrent writes
/// to one table by failing a transaction; sinks, sources and model builds on one warehouse take
/// turns instead.
/// </summary>
public static class WarehouseLock
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);

    /// <summary>Waits for this process's turn on <paramref name="databasePath"/>; dispose the result to give it back.</summary>
    public static async Task<IDisposable> WaitAsync(string databasePath, CancellationToken cancellationToken)
    {
        var gate = Gates.GetOrAdd(Path.GetFullPath(databasePath), _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        return new Turn(gate);
    }

    private sealed class Turn(SemaphoreSlim gate) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                gate.Release();
            }
        }
    }
}
