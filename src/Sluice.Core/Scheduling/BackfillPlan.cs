using System.Globalization;
using Sluice.Model;
using Sluice.State;
using Sluice.Templating;

namespace Sluice.Scheduling;

/// <summary>Which intervals a backfill reprocesses besides those that never succeeded.</summary>
public enum BackfillMode
{
    /// <summary>Intervals never run, and those whose latest run did not succeed (run again whole).</summary>
    Missing,

    /// <summary>As <see cref="Missing"/>, but an interval whose latest run failed reruns only what did not succeed (resume).</summary>
    RerunFailed,

    /// <summary>Every interval, succeeded ones included.</summary>
    ReprocessAll,
}

/// <summary>What a backfill will do with one interval, and why (what <c>--dry-run</c> prints).</summary>
public sealed record BackfillStep(DateOnly LogicalDate, bool Run, bool Resume, string Reason)
{
    public override string ToString() =>
        $"{LogicalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)}  {(Run ? Resume ? "resume" : "run" : "skip"),-6}  {Reason}";
}

/// <summary>Decides a backfill from the run history alone, so a dry run and the real one agree.</summary>
public static class BackfillPlan
{
    public static IReadOnlyList<BackfillStep> For(PipelineDefinition pipeline, DateOnly first, DateOnly last, IReadOnlyList<RunRecord> history, BackfillMode mode)
    {
        var latest = history.GroupBy(r => r.LogicalDate).ToDictionary(g => g.Key, g => g.MaxBy(r => r.Id)!);
        return DataInterval.Dates(first, last, pipeline.Interval).Select(date => Step(date, latest.GetValueOrDefault(date), mode)).ToList();
    }

    private static BackfillStep Step(DateOnly date, RunRecord? latest, BackfillMode mode) => latest switch
    {
        null => new(date, true, false, "never run"),
        { State: RunState.Running } => new(date, false, false, $"run {latest.Id} is in progress (process {latest.ProcessId} on {latest.Host})"),
        { State: RunState.Success } when mode == BackfillMode.ReprocessAll => new(date, true, false, $"succeeded in run {latest.Id}; --reprocess-all"),
        { State: RunState.Success } => new(date, false, false, $"succeeded in run {latest.Id} (use --reprocess-all to run it again)"),
        _ when mode == BackfillMode.RerunFailed => new(date, true, true, $"run {latest.Id} {StateNames.Of(latest.State)}; rerunning what did not succeed"),
        _ => new(date, true, false, $"run {latest.Id} {StateNames.Of(latest.State)}"),
    };
}
