using System.Globalization;
using Sluice.Bench.Cdc;
using Sluice.Bench.Incremental;

// sluice-bench-cdc [--rates 1000,5000,10000,20000] [--seconds 15] [--warmup 3] [--drain-seconds 15] [--writers 4]
//                  [--repeat 1] [--variants commit500,commit100] [--results bench/results]
var options = CdcBenchOptions.Parse(args);
var server = BenchDatabase.FromEnvironment();
var env = (string name) => Environment.GetEnvironmentVariable(name)!;
var results = new List<Measurement>();
Console.WriteLine($"cdc bench: rates {string.Join(", ", options.Rates)} changes/s for {options.Seconds} s each (after {options.Warmup} s warm-up), {options.Writers} writer connections, repeat {options.Repeat}; load {Measurement.LoadAverageNow()}");
for (var repeat = 0; repeat < options.Repeat; repeat++)
{
    foreach (var variant in options.Variants)
    {
        foreach (var rate in options.Rates)
        {
            results.Add(await SustainedAsync(variant, rate));
            Console.WriteLine(results[^1].Line());
        }

        results.Add(await DrainAsync(variant));
        Console.WriteLine(results[^1].Line());
    }
}

var path = Report.Write(options, results);
Console.WriteLine($"report: {path}");
return 0;

async Task<CdcProject> ProjectAsync(string variant) =>
    await CdcProject.CreateAsync(server, env("SLUICE_TEST_PG_HOST"), env("SLUICE_TEST_PG_PORT"), env("SLUICE_TEST_PG_USER"), CdcBenchOptions.VariantOptions(variant));

// A fixed write rate while `sluice cdc run` mirrors it: lag of every transaction committed after the warm-up.
async Task<Measurement> SustainedAsync(string variant, int rate)
{
    await using var project = await ProjectAsync(variant);
    project.StartRun(CdcBenchOptions.VariantEnvironment(variant));
    var observer = new LagObserver(project.TargetConnection, CdcProject.Slot);
    using var stop = new CancellationTokenSource();
    var observing = observer.RunAsync(stop.Token);
    var writer = new LoadWriter(project.SourceConnection, options.Writers);
    // The CLI starts (and JIT-compiles) before the load: a few transactions, seen applied, prove it streams.
    var primed = await writer.RunAsync(100, TimeSpan.FromSeconds(1), CancellationToken.None);
    if (!await observer.WaitForAsync(primed.Max(c => c.At), TimeSpan.FromSeconds(120)))
    {
        throw new InvalidOperationException("`sluice cdc run` applied nothing within 120 s");
    }

    var warmup = TimeSpan.FromSeconds(options.Warmup);
    var window = TimeSpan.FromSeconds(options.Seconds);
    var writing = writer.RunAsync(rate, warmup + window, CancellationToken.None);
    await Task.Delay(warmup);
    var windowStart = DateTime.UtcNow;
    var cpuBefore = project.RunCpuSeconds();
    var committed = await writing;
    var measured = committed.Where(c => c.At >= windowStart).ToList();
    await observer.WaitForAsync(measured.Max(c => c.At), TimeSpan.FromSeconds(120));
    var cpu = project.RunCpuSeconds() - cpuBefore;
    await stop.CancelAsync();
    await observing;
    return Measurement.From(variant, "sustained", rate, measured, observer, window, cpu, Measurement.LoadAverageNow());
}

// The ceiling: a backlog written flat out with nothing consuming the slot, then drained by `sluice cdc run`.
async Task<Measurement> DrainAsync(string variant)
{
    await using var project = await ProjectAsync(variant);
    var writer = new LoadWriter(project.SourceConnection, options.Writers);
    var committed = await writer.RunAsync(0, TimeSpan.FromSeconds(options.DrainSeconds), CancellationToken.None);
    var observer = new LagObserver(project.TargetConnection, CdcProject.Slot);
    using var stop = new CancellationTokenSource();
    var observing = observer.RunAsync(stop.Token);
    project.StartRun(CdcBenchOptions.VariantEnvironment(variant));
    await observer.WaitForAsync(committed.Max(c => c.At), TimeSpan.FromSeconds(600));
    var cpu = project.RunCpuSeconds();
    await stop.CancelAsync();
    await observing;
    // Rate from the first transaction seen applied to the last (the CLI's start-up is not counted).
    var sorted = committed.OrderBy(c => c.At).ToList();
    var applied = observer.AppliedTimes(sorted.Select(c => c.At).ToList());
    var first = applied.First(a => a is not null)!.Value;
    var changes = sorted.Where((_, i) => applied[i] > first).Sum(c => (long)c.Changes);
    var seconds = (applied.Max()!.Value - first).TotalSeconds;
    return new Measurement(
        variant,
        "backlog",
        0,
        sorted.Sum(c => (long)c.Changes) / options.DrainSeconds,
        changes / seconds,
        double.NaN,
        double.NaN,
        double.NaN,
        sorted.Sum(c => (long)c.Changes),
        applied.Count(a => a is null),
        cpu / (sorted.Sum(c => c.Changes) / 1000.0),
        Measurement.LoadAverageNow());
}

namespace Sluice.Bench.Cdc
{
    internal sealed record CdcBenchOptions(IReadOnlyList<int> Rates, int Seconds, int Warmup, int DrainSeconds, int Writers, int Repeat, IReadOnlyList<string> Variants, string Results)
    {
        public static CdcBenchOptions Parse(string[] args)
        {
            string? Value(string name) => args.SkipWhile(a => a != name).Skip(1).FirstOrDefault();
            int Number(string name, int fallback) => Value(name) is { } v ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;
            return new(
                (Value("--rates") ?? "1000,5000,10000,20000").Split(',').Select(r => int.Parse(r, CultureInfo.InvariantCulture)).ToList(),
                Number("--seconds", 15),
                Number("--warmup", 3),
                Number("--drain-seconds", 15),
                Number("--writers", 4),
                Number("--repeat", 1),
                (Value("--variants") ?? "commit500,commit100").Split(','),
                Value("--results") ?? "bench/results");
        }

        /// <summary>
        /// The postgres_cdc options a variant adds to the task (indented for its <c>with:</c> block): parts
        /// joined by '+', <c>commit&lt;ms&gt;</c> setting commit_interval_ms.
        /// </summary>
        public static string VariantOptions(string variant) => string.Join('\n', variant.Split('+').Select(part => part switch
        {
            "default" or "nospin" => null,
            _ when part.StartsWith("commit", StringComparison.Ordinal) && int.TryParse(part["commit".Length..], CultureInfo.InvariantCulture, out var ms) => $"      commit_interval_ms: {ms}",
            _ => throw new ArgumentException($"unknown variant part '{part}'; known: default, commit<ms> (commit_interval_ms), nospin"),
        }).OfType<string>());

        /// <summary>
        /// Environment of `sluice cdc run` for a variant: <c>nospin</c> stops the .NET thread pool's idle
        /// threads from spin-waiting before they sleep, which costs CPU when work arrives in many small wake-ups.
        /// </summary>
        public static IReadOnlyDictionary<string, string> VariantEnvironment(string variant) =>
            variant.Split('+').Contains("nospin") ? new Dictionary<string, string> { ["DOTNET_ThreadPool_UnfairSemaphoreSpinLimit"] = "0" } : new Dictionary<string, string>();
    }
}
