using System.Diagnostics;
using System.Globalization;
using System.Text;

namespace Sluice.Bench.Transforms;

/// <summary>How one child process went: exit code, wall time, peak resident memory, output.</summary>
internal sealed record ChildResult(int ExitCode, double WallSeconds, long PeakRssBytes, string Output);

/// <summary>
/// Runs a child process and measures it from outside: wall time from start to exit, and peak RSS from
/// /proc/PID/status polled every 20 ms, keeping the largest VmHWM (the kernel's own high-water mark,
/// so a peak between two polls still counts). Only the last few milliseconds before exit can be missed.
/// </summary>
internal static class ChildProcess
{
    public static async Task<ChildResult> RunAsync(string fileName, IEnumerable<string> args, IReadOnlyDictionary<string, string> environment, string logPath)
    {
        var info = new ProcessStartInfo(fileName) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var output = new StringBuilder();
        using var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(output, e.Data);
        var watch = Stopwatch.StartNew();
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var status = $"/proc/{process.Id.ToString(CultureInfo.InvariantCulture)}/status";
        long peak = 0;
        while (!process.HasExited)
        {
            peak = Math.Max(peak, PeakRss(status));
            await Task.Delay(20);
        }

        await process.WaitForExitAsync();
        watch.Stop();
        string text;
        lock (output)
        {
            text = output.ToString();
        }

        await File.WriteAllTextAsync(logPath, $"$ {fileName} {string.Join(' ', info.ArgumentList)}\n{text}");
        return new ChildResult(process.ExitCode, watch.Elapsed.TotalSeconds, peak, text);
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
    private static long PeakRss(string statusPath)
    {
        try
        {
            long best = 0;
            foreach (var line in File.ReadLines(statusPath))
            {
                if (line.StartsWith("VmHWM:", StringComparison.Ordinal) || line.StartsWith("VmRSS:", StringComparison.Ordinal))
                {
                    best = Math.Max(best, long.Parse(line.AsSpan(6).Trim().TrimEnd("kB").Trim(), CultureInfo.InvariantCulture) * 1024);
                }
            }

            return best;
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
