using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Bench.Crash;

/// <summary>How one process of a concurrent pair ended.</summary>
internal enum PairOutcome
{
    Completed,
    Refused,
    LockError,
    OtherFailure,
}

/// <summary>One pair: both outcomes, and whether the warehouse and lake then equal the reference.</summary>
internal sealed record PairResult(int Number, PairOutcome First, PairOutcome Second, string FirstIntervals, string SecondIntervals, bool EqualToReference, string Difference, string LogPath);

/// <summary>
/// Starts two backfills of one fresh project at the same instant. Each must complete or be refused with
/// the "already running" message; a lock error (DuckDB's "Could not set lock", SQLite's "database is
/// locked") is the failure issue 12 forbids.
/// </summary>
internal static partial class ConcurrentPairs
{
    public static async Task<PairResult> RunAsync(CrashOptions options, string dataDir, Fingerprint reference, int number)
    {
        var project = SalesProject.Create(options, dataDir, $"pair-{number}");
        using var first = SluiceProcess.Start(project.Dir, project.BackfillArgs);
        using var second = SluiceProcess.Start(project.Dir, project.BackfillArgs);
        var exits = await Task.WhenAll(first.WaitAsync(TimeSpan.FromMinutes(20)), second.WaitAsync(TimeSpan.FromMinutes(20)));
        var fingerprint = await Fingerprint.ReadAsync(project);
        var equal = fingerprint.Equals(reference);
        var outcomes = exits.Select(Classify).ToArray();
        var logPath = Path.Combine(options.WorkDir, "logs", $"pair-{number}.log");
        Directory.CreateDirectory(Path.GetDirectoryName(logPath)!);
        await File.WriteAllTextAsync(
            logPath,
            $"--- first (exit {exits[0].ExitCode}, {outcomes[0]})\n{exits[0].Output}\n--- second (exit {exits[1].ExitCode}, {outcomes[1]})\n{exits[1].Output}\n" +
            (equal ? "" : "--- differs from the reference: " + fingerprint.DiffFrom(reference)));
        Console.WriteLine($"pair {number}: {outcomes[0]} (exit {exits[0].ExitCode}; {Intervals(exits[0])}) / {outcomes[1]} (exit {exits[1].ExitCode}; {Intervals(exits[1])}); equal={equal}");
        return new PairResult(number, outcomes[0], outcomes[1], Intervals(exits[0]), Intervals(exits[1]), equal, equal ? "" : fingerprint.DiffFrom(reference), logPath);
    }

    /// <summary>
    /// A backfill is refused up front when another process is running one of its intervals ("Overlapping
    /// backfills are refused"). Past that check, it refuses interval by interval: it runs the intervals it can
    /// and reports the ones another process is running as failed intervals at the end (exit 1). So a process
    /// counts as refused when refused up front, or when every failed interval it names was refused with the
    /// "is already running" message.
    /// </summary>
    private static PairOutcome Classify(ChildExit exit)
    {
        var lines = exit.Output.Split('\n');
        if (lines.Any(l => LockError().IsMatch(l)))
        {
            return PairOutcome.LockError;
        }

        if (exit.ExitCode == 0)
        {
            return PairOutcome.Completed;
        }

        // The backfill's up-front check: every interval another process is running, refused before any runs.
        if (exit.ExitCode == 1 && exit.Output.Contains("Overlapping backfills are refused", StringComparison.Ordinal))
        {
            return PairOutcome.Refused;
        }

        var refused = lines.Count(l => l.StartsWith("error: run ", StringComparison.Ordinal) && l.Contains("is already running", StringComparison.Ordinal));
        var failed = FailedIntervals().Match(exit.Output);
        return exit.ExitCode == 1 && refused > 0 && failed.Success && int.Parse(failed.Groups["n"].Value, CultureInfo.InvariantCulture) == refused
            ? PairOutcome.Refused
            : PairOutcome.OtherFailure;
    }

    /// <summary>"ran 03-01 03-03, refused 03-02": which intervals this process ran and which it was refused.</summary>
    private static string Intervals(ChildExit exit)
    {
        string Days(string state) => string.Join(' ', RunEnd().Matches(exit.Output).Where(m => m.Groups["end"].Value == state).Select(m => m.Groups["date"].Value));
        return exit.Output.Contains("Overlapping backfills are refused", StringComparison.Ordinal)
            ? "refused up front"
            : $"ran {Days("succeeded")}, refused {Days("is already running")}";
    }

    [GeneratedRegex(@"run \d+ of \S+ for \d{4}-(?<date>\d\d-\d\d) (?<end>succeeded|is already running)")]
    private static partial Regex RunEnd();

    // DuckDB's "Could not set lock on file", SQLite's "database is locked"; not the sink's "waiting for ..., in use by another process".
    [GeneratedRegex("could not set lock|database is locked|conflicting lock|lock file", RegexOptions.IgnoreCase)]
    private static partial Regex LockError();

    [GeneratedRegex(@"backfill finished with (?<n>\d+) failed interval")]
    private static partial Regex FailedIntervals();
}
