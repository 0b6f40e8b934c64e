using System.Diagnostics;

namespace Sluice.Bench.Postgres;

/// <summary>Child processes: their output, and for sluice runs their wall time and peak RSS (GNU time's %M).</summary>
internal static class Shell
{
    public static async Task<string> RunAsync(string file, IEnumerable<string> args, string? directory, Dictionary<string, string> env)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = directory ?? Environment.CurrentDirectory };
        foreach (var arg in args)
        {
            info.ArgumentList.Add(arg);
        }

        foreach (var (key, value) in env)
        {
            info.Environment[key] = value;
        }

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} exited with {process.ExitCode}: {await stderr}\n{await stdout}");
        }

        return await stdout;
    }

    /// <summary>Runs `dotnet sluice.dll run ...` under /usr/bin/time; returns wall time and peak RSS in MiB.</summary>
    public static async Task<(TimeSpan Wall, double PeakRssMiB)> SluiceAsync(string sluiceDll, string pipeline, string stateDir, Dictionary<string, string> env)
    {
        var rssFile = Path.Combine(stateDir, "rss.txt");
        Directory.CreateDirectory(stateDir);
        var watch = Stopwatch.StartNew();
        await RunAsync("/usr/bin/time", ["-f", "%M", "-o", rssFile, "dotnet", sluiceDll, "run", pipeline, "--date", "2024-03-01", "--state-dir", stateDir], Path.GetDirectoryName(pipeline), env);
        var wall = watch.Elapsed;
        var kib = double.Parse(File.ReadAllText(rssFile).Trim().Split('\n')[^1], System.Globalization.CultureInfo.InvariantCulture);
        return (wall, kib / 1024);
    }
}
