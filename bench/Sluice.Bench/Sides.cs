using System.Globalization;
using System.Text.RegularExpressions;

namespace Sluice.Bench;

/// <summary>One timed run of one side at one size.</summary>
internal sealed record RunSample(string Side, int Repetition, TimeSpan Elapsed, TimeSpan CpuTime, long PeakRssBytes, long PeakSpillBytes, IReadOnlyDictionary<string, double> Steps, OutputFingerprint Outputs);

/// <summary>
/// Runs the two sides as child processes with identical engine settings: the same DuckDB memory limit,
/// the same private spill folder (TMPDIR points into the data folder, so other processes' temp files
/// do not count), fresh output and state folders every time.
/// </summary>
internal static partial class Sides
{
    public const string Sluice = "sluice";
    public const string Baseline = "duckdb";

    public static Task<RunSample> RunSluiceAsync(BenchOptions options, BenchData data, int repetition)
    {
        var state = Path.Combine(data.Dir, "state-sluice");
        ResetFolder(state);
        var args = new List<string> { Path.Combine(AppContext.BaseDirectory, "sluice.dll"), "run", options.PipelineFile, "--date", BenchData.FirstDay, "--state-dir", state };
        if (options.MaxParallel is { } parallel)
        {
            args.AddRange(["--max-parallel", parallel.ToString(CultureInfo.InvariantCulture)]);
        }

        return RunAsync(Sluice, options, data, repetition, args, ParseSluiceSteps);
    }

    public static Task<RunSample> RunBaselineAsync(BenchOptions options, BenchData data, int repetition)
    {
        var args = new List<string> { Path.Combine(AppContext.BaseDirectory, "sluice-bench.dll"), "--baseline", options.PipelineFile, data.Dir, OutDir(data, Baseline), BenchData.FirstDay };
        return RunAsync(Baseline, options, data, repetition, args, ParseBaselineSteps);
    }

    private static string OutDir(BenchData data, string side) => Path.Combine(data.Dir, side + "-out");

    private static async Task<RunSample> RunAsync(string side, BenchOptions options, BenchData data, int repetition, List<string> args, Func<string, Dictionary<string, double>> parseSteps)
    {
        var outDir = OutDir(data, side);
        var tempRoot = Path.Combine(data.Dir, "tmp");
        var spillDir = Path.Combine(tempRoot, "sluice-duckdb");
        ResetFolder(outDir);
        ResetFolder(spillDir);
        var logs = Path.Combine(data.Dir, "logs");
        Directory.CreateDirectory(logs);
        var environment = new Dictionary<string, string>
        {
            ["BENCH_DATA"] = data.Dir,
            ["SLUICE_PLAIN"] = "1",
            ["SLUICE_DUCKDB_MEMORY_LIMIT"] = options.MemoryLimit,
            ["TMPDIR"] = tempRoot,
        };
        var log = Path.Combine(logs, $"{side}-{repetition}.log");
        var result = await MeasuredProcess.RunAsync("dotnet", args, environment, log, spillDir);
        if (result.ExitCode != 0)
        {
            throw new BenchException($"{side} run {repetition} at {data.Rows:N0} rows failed with exit code {result.ExitCode}; see {log}:\n{Tail(result.Stdout + result.Stderr)}");
        }

        var outputs = await OutputCheck.FingerprintAsync(outDir);
        var sample = new RunSample(side, repetition, result.Elapsed, result.CpuTime, result.PeakRssBytes, result.PeakSpillBytes, parseSteps(result.Stdout), outputs);
        Console.WriteLine(string.Create(
            CultureInfo.InvariantCulture,
            $"  {side,-6} #{repetition}: {result.Elapsed.TotalSeconds,7:0.00} s (CPU {result.CpuTime.TotalSeconds:0.0} s), peak RSS {BenchData.Mb(result.PeakRssBytes)}, spill {BenchData.Mb(result.PeakSpillBytes)}; {string.Join(", ", sample.Steps.Select(s => $"{s.Key} {s.Value:0.0}s"))}"));
        return sample;
    }

    /// <summary>"HH:mm:ss [task] success: N rows written in 12.3s" (or 1m05s) from the plain progress log.</summary>
    private static Dictionary<string, double> ParseSluiceSteps(string stdout) =>
        SluiceSuccess().Matches(stdout).ToDictionary(m => m.Groups["task"].Value, m => SluiceDuration(m.Groups["duration"].Value));

    private static Dictionary<string, double> ParseBaselineSteps(string stdout) =>
        BaselineStep().Matches(stdout).ToDictionary(m => m.Groups["step"].Value, m => double.Parse(m.Groups["seconds"].Value, CultureInfo.InvariantCulture));

    private static double SluiceDuration(string text)
    {
        var m = DurationParts().Match(text);
        double Part(string name) => m.Groups[name].Success ? double.Parse(m.Groups[name].Value, CultureInfo.InvariantCulture) : 0;
        return m.Success ? Part("h") * 3600 + Part("m") * 60 + Part("s") : double.NaN;
    }

    private static void ResetFolder(string dir)
    {
        if (Directory.Exists(dir))
        {
            Directory.Delete(dir, recursive: true);
        }

        Directory.CreateDirectory(dir);
    }

    private static string Tail(string text) => string.Join('\n', text.Split('\n').TakeLast(15));

    [GeneratedRegex(@"\[(?<task>[^\]]+)\] success: \d+ rows written(?:, \d+ quarantined)? in (?<duration>\S+)")]
    private static partial Regex SluiceSuccess();

    [GeneratedRegex(@"^step (?<step>\S+): (?<seconds>[0-9.]+) s", RegexOptions.Multiline)]
    private static partial Regex BaselineStep();

    [GeneratedRegex(@"^(?:(?<h>\d+)h)?(?:(?<m>\d+)m)?(?:(?<s>[0-9.]+)s)?$")]
    private static partial Regex DurationParts();
}
