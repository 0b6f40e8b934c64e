using System.Globalization;
using System.Text;

namespace Sluice.Bench.Crash;

/// <summary>The markdown summary: figures first, then one line per trial and pair.</summary>
internal static class Report
{
    public static string LoadAverage() =>
        File.Exists("/proc/loadavg") ? string.Join(' ', File.ReadAllText("/proc/loadavg").Split(' ').Take(3)) : "n/a";

    public static bool AllGood(IReadOnlyList<TrialResult> trials, IReadOnlyList<PairResult> pairs) =>
        trials.All(t => t.EqualToReference && t.RunsLeftRunning == 0 && t.Leftovers.Count == 0 && t.RerunExit == 0)
        && pairs.All(p => p.EqualToReference && p.First is PairOutcome.Completed or PairOutcome.Refused && p.Second is PairOutcome.Completed or PairOutcome.Refused);

    public static string Markdown(CrashOptions options, TimeSpan referenceTime, Fingerprint reference, IReadOnlyList<TrialResult> trials, IReadOnlyList<PairResult> pairs, string loadBefore, string loadAfter)
    {
        var outcomes = pairs.SelectMany(p => new[] { p.First, p.Second }).ToList();
        var text = new StringBuilder();
        void Line(string line) => text.AppendLine(line);
        Line($"# Issue 12 crash trials, {DateTime.UtcNow:yyyy-MM-dd HH:mm} UTC");
        Line("");
        Line(Invariant($"`sluice-bench-crash --rows-per-day {options.RowsPerDay} --trials {options.Trials} --pairs {options.Pairs} --seed {options.Seed} --kill-at {options.KillAt}`: sales example, 3 days (2024-03-01..03) x {options.RowsPerDay:N0} orders a day. Load average before {loadBefore}, after {loadAfter} (2 shared cores). Uninterrupted reference backfill: {referenceTime.TotalSeconds:0.0} s."));
        Line("");
        Line("| Figure | Value | Target |");
        Line("| --- | --- | --- |");
        Line($"| Crash trials (SIGKILL / SIGINT / SIGTERM in turn) | {trials.Count} | |");
        Line($"| ... equal to the reference (warehouse + lake) | {trials.Count(t => t.EqualToReference)} | all |");
        Line($"| ... rerun exit 0 | {trials.Count(t => t.RerunExit == 0)} | all |");
        Line($"| Runs left `running` after the rerun | {trials.Sum(t => t.RunsLeftRunning)} | 0 |");
        Line($"| Leftover staging files after the rerun | {trials.Sum(t => t.Leftovers.Count)} | 0 |");
        Line($"| Concurrent pairs | {pairs.Count} | |");
        Line($"| ... processes completed / refused (clear refusal message) | {outcomes.Count(o => o == PairOutcome.Completed)} / {outcomes.Count(o => o == PairOutcome.Refused)} | every process one of the two |");
        Line($"| ... processes failed on a lock error | {outcomes.Count(o => o == PairOutcome.LockError)} | 0 |");
        Line($"| ... processes failed otherwise | {outcomes.Count(o => o == PairOutcome.OtherFailure)} | 0 |");
        Line($"| ... pairs whose outputs equal the reference | {pairs.Count(p => p.EqualToReference)} | all |");
        Line($"| Seed | {options.Seed} | |");
        Line("");
        Line("## Trials");
        Line("");
        Line("| # | Signal | Delay | Exit | Runs after the kill (date:state) | Rerun exit | Equal | Left running | Leftovers |");
        Line("| --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var t in trials)
        {
            Line(Invariant($"| {t.Number} | {t.Signal} | {t.Delay.TotalSeconds:0.00} s | {t.KilledExit}{(t.ExitedBeforeSignal ? " (finished before the signal)" : "")} | {t.KilledRunStates} | {t.RerunExit} | {(t.EqualToReference ? "yes" : "**no**")} | {t.RunsLeftRunning} | {t.Leftovers.Count} |"));
        }

        foreach (var t in trials.Where(t => !t.EqualToReference || t.Leftovers.Count > 0))
        {
            Line("");
            Line($"Trial {t.Number} ({t.Signal} after {t.Delay.TotalSeconds.ToString("0.00", CultureInfo.InvariantCulture)} s): {t.Difference} {string.Join(", ", t.Leftovers.Take(10))} (log {t.LogPath})");
        }

        Line("");
        Line("## Concurrent pairs");
        Line("");
        Line("\"Refused\" is either the backfill's up-front refusal (\"... are being run by another process ... Overlapping backfills are refused\", exit 1, nothing run) or, when both passed that check at the same instant, the per-interval refusal: every interval it did not run was refused with \"is already running\" (exit 1) and it ran the others.");
        Line("");
        Line("| # | First | Second | Equal |");
        Line("| --- | --- | --- | --- |");
        foreach (var p in pairs)
        {
            Line($"| {p.Number} | {p.First}: {p.FirstIntervals} | {p.Second}: {p.SecondIntervals} | {(p.EqualToReference ? "yes" : "**no**: " + p.Difference)} |");
        }

        Line("");
        Line("## Reference fingerprint");
        Line("");
        foreach (var line in reference.Lines)
        {
            Line($"- {line}");
        }

        return text.ToString();
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
