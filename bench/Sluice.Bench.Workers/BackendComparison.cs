using System.Globalization;
using System.Text;

namespace Sluice.Bench.Workers;

/// <summary>
/// The same N-task chain and N independent tasks on SQLite with one worker (the baseline), PostgreSQL
/// with one worker and PostgreSQL with three (and one worker again reading whole runs, as before), sides rotating in each repetition, medians, ratios against
/// the baseline. Returns the report's markdown.
/// </summary>
internal static class BackendComparison
{
    // "Whole-run reads" is the PostgreSQL store as it was before it read by scope: every outcome reads the
    // whole run (WholeRunQueue answers each partial snapshot with that), measured in the same run.
    private static readonly (string Name, bool Postgres, int Workers, bool WholeRun)[] Sides =
    [
        ("SQLite, 1 worker (baseline)", false, 1, false), ("PostgreSQL, 1 worker", true, 1, false), ("PostgreSQL, 3 workers", true, 3, false),
        ("PostgreSQL, 1 worker, whole-run reads (before)", true, 1, true),
    ];

    public static async Task<string> RunAsync(int tasks, int repeat, int slots)
    {
        var report = new StringBuilder();
        foreach (var linear in new[] { true, false })
        {
            var figures = Sides.ToDictionary(s => s.Name, _ => new List<QueueRunFigures>(), StringComparer.Ordinal);
            for (var r = 0; r < repeat; r++)
            {
                foreach (var side in Sides.Skip(r % Sides.Length).Concat(Sides.Take(r % Sides.Length)))
                {
                    var stores = side.Postgres ? BenchStores.Postgres() : BenchStores.Sqlite();
                    var f = await QueueRun.MeasureAsync(stores, side.Workers, tasks, linear, linear ? 1 : slots, side.WholeRun);
                    figures[side.Name].Add(f);
                    Console.WriteLine($"{(linear ? "chain" : "independent")} {tasks} {side.Name}: total lag {f.TotalLagS:0.00} s, lag median/p99 {f.LagMedianMs:0.0}/{f.LagP99Ms:0.0} ms, max running {f.MaxRunning}, wall {f.WallS:0.00} s; {f.Calls}");
                }
            }

            report.Append(linear ? Chain(tasks, figures) : Independent(tasks, slots, figures));
        }

        return report.ToString();
    }

    private static string Chain(int tasks, Dictionary<string, List<QueueRunFigures>> figures)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## {tasks} no-op tasks in a linear chain (one slot per worker)");
        text.AppendLine();
        text.AppendLine("| Side | Total lag | Lag per task median / p99 | Claim to success median / p99 | Finish call (mean) | Claim call (mean) | Finish return to same worker's next claim (median) | Max running | CPU per task | Wall |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (side, list) in figures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"| {side} | {M(list, f => f.TotalLagS):0.00} s | {M(list, f => f.LagMedianMs):0.0} / {M(list, f => f.LagP99Ms):0.0} ms | {M(list, f => f.AttemptMedianMs):0.0} / {M(list, f => f.AttemptP99Ms):0.0} ms | {M(list, f => f.FinishMs):0.00} ms | {M(list, f => f.ClaimMs):0.00} ms | {M(list, f => f.GapMs):0.00} ms | {list.Max(f => f.MaxRunning)} | {M(list, f => f.CpuMsPerTask):0.0} ms | {M(list, f => f.WallS):0.00} s |");
        }

        text.AppendLine();
        text.AppendLine("Ratios against the SQLite one-worker baseline (medians; above 1 is slower):");
        text.AppendLine();
        var baseline = figures[Sides[0].Name];
        foreach (var side in Sides.Skip(1))
        {
            var list = figures[side.Name];
            text.AppendLine(CultureInfo.InvariantCulture, $"- {side.Name}: total lag {M(list, f => f.TotalLagS) / M(baseline, f => f.TotalLagS):0.00}×, lag per task p99 {M(list, f => f.LagP99Ms) / Math.Max(0.5, M(baseline, f => f.LagP99Ms)):0.00}×, finish call {M(list, f => f.FinishMs) / M(baseline, f => f.FinishMs):0.00}×, wall {M(list, f => f.WallS) / M(baseline, f => f.WallS):0.00}×.");
        }

        text.AppendLine();
        text.AppendLine("Queue calls of the last repetition per side:");
        text.AppendLine();
        foreach (var (side, list) in figures)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"- {side}: {list[^1].Calls}.");
        }

        text.AppendLine();
        return text.ToString();
    }

    private static string Independent(int tasks, int slots, Dictionary<string, List<QueueRunFigures>> figures)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"## {tasks} independent no-op tasks ({slots} slots per worker)");
        text.AppendLine();
        text.AppendLine("| Side | Wall | Tasks/s | Wall per task | Queued to claim median / p99 | Claim to success median / p99 | Claim call (mean) | Finish call (mean) | Max running | CPU per task |");
        text.AppendLine("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
        foreach (var (side, list) in figures)
        {
            var wall = M(list, f => f.WallS);
            text.AppendLine(CultureInfo.InvariantCulture, $"| {side} | {wall:0.00} s | {tasks / wall:0} | {wall * 1000 / tasks:0.00} ms | {M(list, f => f.LagMedianMs):0} / {M(list, f => f.LagP99Ms):0} ms | {M(list, f => f.AttemptMedianMs):0.0} / {M(list, f => f.AttemptP99Ms):0.0} ms | {M(list, f => f.ClaimMs):0.00} ms | {M(list, f => f.FinishMs):0.00} ms | {list.Max(f => f.MaxRunning)} | {M(list, f => f.CpuMsPerTask):0.0} ms |");
        }

        text.AppendLine();
        var baseline = figures[Sides[0].Name];
        text.AppendLine(CultureInfo.InvariantCulture, $"Ratios against the SQLite one-worker baseline (median wall; above 1 is slower): {string.Join(", ", Sides.Skip(1).Select(s => $"{s.Name} {M(figures[s.Name], f => f.WallS) / M(baseline, f => f.WallS):0.00}×"))}.");
        text.AppendLine();
        return text.ToString();
    }

    private static double M(List<QueueRunFigures> list, Func<QueueRunFigures, double> of) => Stats.Median(list.Select(of));
}
