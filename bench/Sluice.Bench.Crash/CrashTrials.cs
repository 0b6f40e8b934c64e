using System.Globalization;

namespace Sluice.Bench.Crash;

/// <summary>What one crash trial saw.</summary>
internal sealed record TrialResult(
    int Number,
    KillSignal Signal,
    TimeSpan Delay,
    int KilledExit,
    bool ExitedBeforeSignal,
    string KilledRunStates,
    int RerunExit,
    bool EqualToReference,
    string Difference,
    int RunsLeftRunning,
    IReadOnlyList<string> Leftovers,
    string LogPath);

/// <summary>
/// Kills a backfill after a seeded random delay with SIGKILL, SIGINT or SIGTERM (in turn), runs the
/// backfill again to completion, and compares what is left with the uninterrupted reference.
/// </summary>
internal static class CrashTrials
{
    private static readonly KillSignal[] Rotation = [KillSignal.SigKill, KillSignal.SigInt, KillSignal.SigTerm];
    private static readonly TimeSpan RunTimeout = TimeSpan.FromMinutes(20);

    public static async Task<TrialResult> RunAsync(CrashOptions options, string dataDir, Fingerprint reference, TimeSpan referenceTime, Random random, int number)
    {
        var signal = Rotation[(number - 1) % Rotation.Length];

        // Anywhere from start-up to just before the reference run would have finished.
        var delay = TimeSpan.FromMilliseconds(300 + random.NextDouble() * Math.Max(0, referenceTime.TotalMilliseconds * 0.95 - 300));
        var project = SalesProject.Create(options, dataDir, $"trial-{number}");
        var log = new List<string> { $"trial {number}: {signal} after {delay.TotalSeconds:0.00} s" };

        using var child = SluiceProcess.Start(project.Dir, project.BackfillArgs);
        if (options.KillAt == "lake-write")
        {
            delay = await WaitForLakeWriteAsync(project, child, referenceTime * 3);
            log[0] = $"trial {number}: {signal} at the lake write, {delay.TotalSeconds:0.00} s";
        }
        else
        {
            await Task.Delay(delay);
        }

        var exitedBefore = child.HasExited;
        if (!exitedBefore)
        {
            child.Signal(signal);
        }

        var killed = await child.WaitAsync(TimeSpan.FromMinutes(2));
        log.Add($"--- killed backfill (exit {killed.ExitCode})\n{killed.Output}");

        // Read before the rerun, so the report says how the killed run was recorded.
        var afterKill = await project.RunsAsync();
        var killedStates = string.Join(" ", afterKill.Select(r => $"{r.Date}:{r.State}"));

        var rerun = await SluiceProcess.RunAsync(project.Dir, project.BackfillArgs, RunTimeout);
        log.Add($"--- rerun (exit {rerun.ExitCode})\n{rerun.Output}");
        var fingerprint = await Fingerprint.ReadAsync(project);
        var runs = await project.RunsAsync();
        log.Add("--- runs after rerun: " + string.Join(" ", runs.Select(r => $"{r.Run}:{r.Date}:{r.State}")));
        var leftovers = project.Leftovers();
        log.AddRange(leftovers.Select(l => "leftover: " + l));
        var equal = fingerprint.Equals(reference);
        var difference = equal ? "" : fingerprint.DiffFrom(reference);
        if (!equal)
        {
            log.Add("--- differs from the reference: " + difference);
        }

        var logPath = Path.Combine(options.WorkDir, "logs", $"trial-{number}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        await File.WriteAllLinesAsync(logPath, log);
        var result = new TrialResult(
            number, signal, delay, killed.ExitCode, exitedBefore, killedStates, rerun.ExitCode, equal, difference,
            runs.Count(r => r.State == "running"), leftovers, logPath);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"trial {number}: {signal} after {delay.TotalSeconds:0.00} s -> exit {killed.ExitCode}{(exitedBefore ? " (had already finished)" : "")}; runs then: {killedStates}; rerun exit {rerun.ExitCode}; equal={equal}; running={result.RunsLeftRunning}; leftovers={leftovers.Count}"));
        return result;
    }

    /// <summary>Polls until the Parquet sink's hidden staging folder holds a file (the sink is mid-write), the child exits, or the timeout.</summary>
    private static async Task<TimeSpan> WaitForLakeWriteAsync(SalesProject project, SluiceProcess child, TimeSpan timeout)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var hidden = new EnumerationOptions { RecurseSubdirectories = true, AttributesToSkip = 0 };
        while (clock.Elapsed < timeout && !child.HasExited)
        {
            if (Directory.Exists(project.Lake)
                && Directory.EnumerateDirectories(project.Lake, ".*staging*", new EnumerationOptions { AttributesToSkip = 0 })
                    .Any(d => Directory.EnumerateFiles(d, "*.parquet", hidden).Any()))
            {
                return clock.Elapsed;
            }

            await Task.Delay(10);
        }

        return clock.Elapsed;
    }
}
