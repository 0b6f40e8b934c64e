using System.Runtime.InteropServices;

namespace Sluice.Cli;

/// <summary>
/// Ctrl+C and SIGTERM cancel the command's token, so a run stops its tasks and records itself as
/// cancelled; a second Ctrl+C exits at once. The terminal's cursor is restored either way.
/// </summary>
internal sealed class Interrupts : IDisposable
{
    /// <summary>The exit code of a command stopped by a signal (128 + SIGINT), as shells expect.</summary>
    public const int ExitCode = 130;

    private readonly CancellationTokenSource _cancel = new();
    private readonly PosixSignalRegistration? _terminate;
    private int _presses;

    public Interrupts()
    {
        Console.CancelKeyPress += OnCancelKeyPress;
        _terminate = OperatingSystem.IsWindows() ? null : PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            Request("terminated");
        });
    }

    public CancellationToken Token => _cancel.Token;

    private void OnCancelKeyPress(object? sender, ConsoleCancelEventArgs e)
    {
        e.Cancel = true;
        Request("interrupted");
    }

    private void Request(string what)
    {
        if (Interlocked.Increment(ref _presses) > 1)
        {
            RestoreTerminal();
            Console.Error.WriteLine($"error: {what} again; stopping at once (the run is shown as abandoned until a later command notices).");
            Environment.Exit(ExitCode);
        }

        Console.Error.WriteLine($"{what}: cancelling the running tasks (press Ctrl+C again to stop at once)...");
        _cancel.Cancel();
    }

    public static void RestoreTerminal()
    {
        if (!Console.IsOutputRedirected)
        {
            Console.Out.Write("\u001b[?25h");
            Console.Out.Flush();
        }
    }

    public void Dispose()
    {
        Console.CancelKeyPress -= OnCancelKeyPress;
        _terminate?.Dispose();
        _cancel.Dispose();
    }
}
