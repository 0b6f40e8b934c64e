using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace Sluice.Bench.Crash;

/// <summary>The signals a trial sends; the numbers are Linux's.</summary>
internal enum KillSignal
{
    SigKill = 9,
    SigInt = 2,
    SigTerm = 15,
}

/// <summary>The end of one child: exit code and everything it printed (stdout and stderr interleaved).</summary>
internal sealed record ChildExit(int ExitCode, string Output, TimeSpan Elapsed);

/// <summary>
/// One `dotnet sluice.dll ...` child. `dotnet app.dll` runs the app in the host's own process, so the
/// pid signalled is the CLI itself, as a user's Ctrl+C or a service manager's SIGTERM would reach it.
/// </summary>
internal sealed partial class SluiceProcess : IDisposable
{
    private readonly Process _process;
    private readonly StringBuilder _output = new();
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    private SluiceProcess(Process process) => _process = process;

    public int Id => _process.Id;

    public static SluiceProcess Start(string workingDir, IEnumerable<string> sluiceArgs)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = workingDir,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        info.ArgumentList.Add(Path.Combine(AppContext.BaseDirectory, "sluice.dll"));
        foreach (var arg in sluiceArgs)
        {
            info.ArgumentList.Add(arg);
        }

        // Plain log lines, no colours or live progress: the output is parsed and saved.
        info.Environment["SLUICE_PLAIN"] = "1";
        info.Environment["NO_COLOR"] = "1";
        var process = new Process { StartInfo = info };
        var child = new SluiceProcess(process);
        process.OutputDataReceived += (_, e) => child.Append(e.Data);
        process.ErrorDataReceived += (_, e) => child.Append(e.Data);
        if (!process.Start())
        {
            throw new BenchException("could not start dotnet sluice.dll");
        }

        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return child;
    }

    public static async Task<ChildExit> RunAsync(string workingDir, IEnumerable<string> sluiceArgs, TimeSpan timeout)
    {
        using var child = Start(workingDir, sluiceArgs);
        return await child.WaitAsync(timeout);
    }

    public bool HasExited => _process.HasExited;

    public void Signal(KillSignal signal)
    {
        if (Kill(_process.Id, (int)signal) != 0 && !_process.HasExited)
        {
            throw new BenchException($"kill({_process.Id}, {signal}) failed: errno {Marshal.GetLastPInvokeError()}");
        }
    }

    /// <summary>Waits for the exit; a child still alive after the timeout is killed and reported as exit -1.</summary>
    public async Task<ChildExit> WaitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
        }
        catch (OperationCanceledException)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
            Append($"[bench] no exit within {timeout.TotalSeconds:0} s; killed");
            return new ChildExit(-1, Output(), _clock.Elapsed);
        }

        return new ChildExit(_process.ExitCode, Output(), _clock.Elapsed);
    }

    public void Dispose() => _process.Dispose();

    private void Append(string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    private string Output()
    {
        lock (_output)
        {
            return _output.ToString();
        }
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int Kill(int pid, int signal);
}
