using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Sluice.Bench;

/// <summary>What one child process did: exit code, wall time, CPU time, peak resident memory, peak DuckDB spill, output.</summary>
internal sealed record ProcessResult(int ExitCode, TimeSpan Elapsed, TimeSpan CpuTime, long PeakRssBytes, long PeakSpillBytes, string Stdout, string Stderr);

/// <summary>
/// Runs a child process and measures it from outside: wall time from start to exit, and peak RSS by
/// polling /proc/PID/status every 20 ms, keeping the largest VmHWM (the kernel's own high-water mark,
/// so a peak between two polls is not missed) or VmRSS seen. The last poll before exit may miss the
/// final few milliseconds only. Optionally also tracks the size of a spill folder.
/// </summary>
internal static class MeasuredProcess
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(20);

    public static async Task<ProcessResult> RunAsync(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string logPath, string? spillDir = null)
    {
        var info = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var stdout = new StringBuilder();
        var stderr = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(stdout, e.Data);
        process.ErrorDataReceived += (_, e) => Append(stderr, e.Data);
        var cpuBefore = ChildCpu.Total();
        var stopwatch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var statusPath = $"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}/status";
        long peak = 0, spill = 0;
        var polls = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, ReadPeakRss(statusPath));
            if (spillDir is not null && polls++ % 10 == 0)
            {
                spill = Math.Max(spill, FolderBytes(spillDir));
            }

            await Task.Delay(PollInterval);
        }

        await process.WaitForExitAsync();
        stopwatch.Stop();
        var cpu = ChildCpu.Total() - cpuBefore;
        var log = $"$ {fileName} {string.Join(' ', info.ArgumentList)}\n{stdout}\n--- stderr ---\n{stderr}";
        await File.WriteAllTextAsync(logPath, log);
        return new ProcessResult(process.ExitCode, stopwatch.Elapsed, cpu, peak, spill, stdout.ToString(), stderr.ToString());
    }

    private static void Append(StringBuilder text, string? line)
    {
        if (line is not null)
        {
            lock (text)
            {
                text.AppendLine(line);
            }
        }
    }

    /// <summary>max(VmHWM, VmRSS) in bytes, or 0 once the process is gone.</summary>
    private static long ReadPeakRss(string statusPath)
    {
        try
        {
            long best = 0;
            foreach (var line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal) || line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    var kb = long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture);
                    best = Math.Max(best, kb * 1024);
                }
            }

            return best;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    private static long FolderBytes(string dir)
    {
        try
        {
            return Directory.Exists(dir)
                ? new DirectoryInfo(dir).EnumerateFiles("*", SearchOption.AllDirectories).Sum(f => f.Exists ? f.Length : 0)
                : 0;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return 0;
        }
    }
}
