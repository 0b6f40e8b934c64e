using System.Runtime.InteropServices;

namespace Sluice.Connectors.Postgres;

/// <summary>
/// A POSIX named pipe (FIFO) that DuckDB writes into while .NET reads from it, so that DuckDB's
/// formatting and PostgreSQL's COPY run at the same time instead of one after the other, with no
/// temporary file: the pipe holds at most its kernel buffer (64 KB), so memory and disk stay bounded.
/// </summary>
internal static partial class NamedPipe
{
    /// <summary>Makes a FIFO at <paramref name="path"/>; false where the platform has none (Windows), so callers fall back to a file.</summary>
    public static bool TryCreate(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            return false;
        }

        // 0600: only this user may write rows into it or read them out.
        return MakeFifo(path, Convert.ToUInt32("600", 8)) == 0;
    }

    /// <summary>
    /// Opening either end of a FIFO blocks until the other end opens. When the writer failed before it
    /// opened, the reader's open would wait forever: opening the write end here (and closing it) lets the
    /// reader open and see end of file.
    /// </summary>
    public static void ReleaseReader(string path)
    {
        using var writer = new FileStream(path, FileMode.Open, FileAccess.Write, FileShare.ReadWrite, 1);
    }

    [DllImport("libc", EntryPoint = "mkfifo", SetLastError = true)]
    private static extern int MakeFifo([MarshalAs(UnmanagedType.LPUTF8Str)] string path, uint mode);
}
