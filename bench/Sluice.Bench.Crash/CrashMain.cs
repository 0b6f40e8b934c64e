using System.Globalization;

namespace Sluice.Bench.Crash;

/// <summary>Data, reference run, crash trials, concurrent pairs, report.</summary>
internal static class CrashMain
{
    public static async Task<int> RunAsync(CrashOptions options)
    {
        EnsureSigIntNotIgnored();
        var loadBefore = Report.LoadAverage();
        Console.WriteLine($"seed {options.Seed}, {options.RowsPerDay:N0} orders a day x 3 days, {options.Trials} trials, {options.Pairs} pairs; load {loadBefore}");
        var dataDir = await SalesProject.EnsureDataAsync(options);

        var referenceProject = SalesProject.Create(options, dataDir, "reference");
        var referenceRun = await SluiceProcess.RunAsync(referenceProject.Dir, referenceProject.BackfillArgs, TimeSpan.FromMinutes(20));
        if (referenceRun.ExitCode != 0)
        {
            throw new BenchException($"the uninterrupted reference backfill failed (exit {referenceRun.ExitCode}):\n{referenceRun.Output}");
        }

        var reference = await Fingerprint.ReadAsync(referenceProject);
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"reference backfill: {referenceRun.Elapsed.TotalSeconds:0.0} s"));
        foreach (var line in reference.Lines)
        {
            Console.WriteLine("  " + line);
        }

        var random = new Random(options.Seed);
        var trials = new List<TrialResult>();
        for (var i = 1; i <= options.Trials; i++)
        {
            trials.Add(await CrashTrials.RunAsync(options, dataDir, reference, referenceRun.Elapsed, random, i));
        }

        var pairs = new List<PairResult>();
        for (var i = 1; i <= options.Pairs; i++)
        {
            pairs.Add(await ConcurrentPairs.RunAsync(options, dataDir, reference, i));
        }

        var report = Report.Markdown(options, referenceRun.Elapsed, reference, trials, pairs, loadBefore, Report.LoadAverage());
        Console.WriteLine();
        Console.WriteLine(report);
        Directory.CreateDirectory(options.ResultsDir);
        var file = Path.Combine(options.ResultsDir, $"issue12-crash-{DateTime.UtcNow:yyyy-MM-dd}{(options.KillAt == "delay" ? "" : "-" + options.KillAt)}.md");
        await File.WriteAllTextAsync(file, report);
        Console.WriteLine($"written to {file}");
        return Report.AllGood(trials, pairs) ? 0 : 2;
    }

    /// <summary>
    /// A shell without job control starts background commands with SIGINT ignored, children inherit
    /// that, and the CLI then never sees the SIGINT trials' signal: they would finish and prove nothing.
    /// </summary>
    private static void EnsureSigIntNotIgnored()
    {
        const string Prefix = "SigIgn:";
        var line = File.Exists("/proc/self/status") ? File.ReadLines("/proc/self/status").FirstOrDefault(l => l.StartsWith(Prefix, StringComparison.Ordinal)) : null;
        if (line is not null && (ulong.Parse(line[Prefix.Length..].Trim(), NumberStyles.HexNumber, CultureInfo.InvariantCulture) & (1UL << ((int)KillSignal.SigInt - 1))) != 0)
        {
            throw new BenchException("SIGINT is ignored in this process (a background job of a shell without job control?), and the CLI children would inherit that. Run the bench in the foreground, or under 'set -m'.");
        }
    }
}
