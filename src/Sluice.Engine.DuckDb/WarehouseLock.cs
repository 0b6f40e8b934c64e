using System.Collections.Concurrent;

namespace Sluice.Engine.DuckDb;

/// <summary>
/// One turn at a time per DuckDB database file, within this process and across processes. DuckDB
/// fails a second process that opens a file another one is writing ("Conflicting lock is held"),
/// and resolves concurrent writes to one table by failing a transaction; sinks, sources and model
/// builds on one warehouse take turns instead. Across processes the turn is an exclusive lock on
/// <c>&lt;database&gt;.lock</c> beside the database (left in place: deleting it would let a third
/// process lock a new file while a second still waits on the old one).
/// </summary>
public static class WarehouseLock
{
    private static readonly ConcurrentDictionary<string, SemaphoreSlim> Gates = new(StringComparer.Ordinal);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Waits for this process's turn on <paramref name="databasePath"/>; dispose the result to give it back.</summary>
    public static Task<IDisposable> WaitAsync(string databasePath, CancellationToken cancellationToken) =>
        WaitAsync(databasePath, waiting: null, cancellationToken);

    /// <summary>
    /// Waits for the turn on <paramref name="databasePath"/>; <paramref name="waiting"/> is told once
    /// when another process holds the database, so a run that seems stuck says why.
    /// </summary>
    public static async Task<IDisposable> WaitAsync(string databasePath, Action<string>? waiting, CancellationToken cancellationToken)
    {
        var database = Path.GetFullPath(databasePath);
        var gate = Gates.GetOrAdd(database, _ => new SemaphoreSlim(1, 1));
        await gate.WaitAsync(cancellationToken);
        try
        {
            return new Turn(gate, await LockFileAsync(database, waiting, cancellationToken));
        }
        catch
        {
            gate.Release();
            throw;
        }
    }

    private static async Task<FileStream> LockFileAsync(string database, Action<string>? waiting, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(database)!);
        var lockPath = database + ".lock";
        var told = false;
        while (true)
        {
            try
            {
                // FileShare.None is an exclusive flock on Unix and a sharing lock on Windows; the OS
                // releases it when the process dies, so a killed run never leaves the warehouse locked.
                return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None, bufferSize: 1);
            }
            catch (IOException e) when (IsHeldByAnother(e))
            {
                if (!told)
                {
                    waiting?.Invoke($"waiting for {database}, in use by another process");
                    told = true;
                }

                await Task.Delay(PollInterval, cancellationToken);
            }
        }
    }

    /// <summary>
    /// A sharing or lock violation on Windows; on Unix .NET reports a held flock with the errno
    /// EWOULDBLOCK (11 on Linux, 35 on macOS). Any other I/O error is a real failure, not a wait.
    /// </summary>
    private static bool IsHeldByAnother(IOException e) =>
        e.HResult is unchecked((int)0x80070020) or unchecked((int)0x80070021) or 11 or 35;

    private sealed class Turn(SemaphoreSlim gate, FileStream lockFile) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                lockFile.Dispose();
                gate.Release();
            }
        }
    }
}
