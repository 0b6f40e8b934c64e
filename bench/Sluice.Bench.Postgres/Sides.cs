using System.Globalization;
using System.Text;

namespace Sluice.Bench.Postgres;

/// <summary>
/// One scenario measured on several sides (psql, sluice, optionally an older sluice) in rotating order,
/// so that no side always runs first or right after another one; each run's whole process and task time.
/// </summary>
internal sealed class Sides(string scenario, IReadOnlyList<(string Name, Func<Task<SluiceRun>> Run)> sides)
{
    private readonly Dictionary<string, List<SluiceRun>> _runs = sides.ToDictionary(s => s.Name, _ => new List<SluiceRun>());

    public IReadOnlyList<SluiceRun> this[string side] => _runs[side];

    public async Task RunAsync(int repeats, Action<string> say)
    {
        for (var rep = 0; rep < repeats; rep++)
        {
            var order = Enumerable.Range(0, sides.Count).Select(i => sides[(i + rep) % sides.Count]).ToList();
            if (rep % 2 == 1)
            {
                order.Reverse();
            }

            foreach (var (name, run) in order)
            {
                var result = await run();
                _runs[name].Add(result);
                say($"{scenario} {name} rep {rep + 1}: process {result.WallSeconds:0.00} s, task {result.TaskSeconds:0.00} s, {result.PeakRssMiB:0} MiB");
            }
        }
    }

    /// <summary>A table row per side: medians, and the baseline's median over the side's (above 1 = faster than the baseline).</summary>
    public void Report(StringBuilder report, string baseline, long rows)
    {
        var culture = CultureInfo.InvariantCulture;
        var b = _runs[baseline];
        var bWall = Measure.Median(b.Select(r => r.WallSeconds));
        report.AppendLine(culture, $"| side | rows | process s (median) | task s (median) | ratio {baseline} / side, process | ratio {baseline} / side, task | peak RSS MiB | process runs s | task runs s |");
        report.AppendLine("|---|---:|---:|---:|---:|---:|---:|---|---|");
        foreach (var (name, _) in sides)
        {
            var runs = _runs[name];
            var wall = Measure.Median(runs.Select(r => r.WallSeconds));
            var task = Measure.Median(runs.Select(r => r.TaskSeconds));
            report.AppendLine(culture, $"| {name} | {rows:N0} | {wall:0.00} | {task:0.00} | {bWall / wall:0.00} | {bWall / task:0.00} | {runs.Max(r => r.PeakRssMiB):0} | {Join(runs.Select(r => r.WallSeconds))} | {Join(runs.Select(r => r.TaskSeconds))} |");
        }
    }

    private static string Join(IEnumerable<double> values) => string.Join(", ", values.Select(v => v.ToString("0.00", CultureInfo.InvariantCulture)));
}
