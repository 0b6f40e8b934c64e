using System.Text.Json.Nodes;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Model;
using Sluice.Scheduling;
using Sluice.State;

namespace Sluice.Hosting;

/// <summary>
/// One scheduler pass over a set of pipelines: claims each due interval that has never run (up to
/// <c>max_active_runs</c>), starts its run, and emits an SLA-missed event for each interval or run
/// that is late, once, while it is still late. All it knows lives in the metadata store, so a
/// restarted or second scheduler neither repeats nor skips an interval.
/// </summary>
public sealed class PipelineScheduler(IMetadataStore store, IEventLog events, PipelineRunner runner, TimeProvider time)
{
    private readonly Dictionary<long, Task> _running = [];

    /// <summary>Runs go to the task queue for workers; the scheduler only coordinates them.</summary>
    public bool Queued { get; init; }

    /// <summary>Runs started by this scheduler that have not finished yet.</summary>
    public IReadOnlyCollection<Task> Running
    {
        get
        {
            lock (_running)
            {
                return _running.Values.ToList();
            }
        }
    }

    /// <summary>Looks at every pipeline once; returns the runs it started.</summary>
    public async Task<IReadOnlyList<RunRecord>> TickAsync(IReadOnlyList<PipelineDefinition> pipelines, CancellationToken cancellationToken)
    {
        var started = new List<RunRecord>();
        var paused = await store.PausedPipelinesAsync(cancellationToken);
        foreach (var pipeline in pipelines)
        {
            if (ScheduleCalendar.For(pipeline) is not { } calendar || paused.Contains(pipeline.Name))
            {
                continue;
            }

            var now = time.GetUtcNow();
            var due = calendar.DueBy(now);
            if (due.Count == 0)
            {
                continue;
            }

            var runs = await store.ListRunsAsync(pipeline.Name, due[0], due[^1], cancellationToken);
            await CheckSlasAsync(pipeline, calendar, due, runs, now, cancellationToken);
            var slots = pipeline.Scheduling.MaxActiveRuns - runs.Count(r => r.State == RunState.Running);
            var ran = runs.Select(r => r.LogicalDate).ToHashSet();
            foreach (var cleared in ClearedIntervals(runs).TakeWhile(_ => slots > 0))
            {
                if (await ResumeClearedAsync(pipeline, cleared, cancellationToken) is { } resumed)
                {
                    started.Add(resumed);
                    slots--;
                }
            }

            foreach (var date in due.Where(d => !ran.Contains(d)))
            {
                if (slots <= 0)
                {
                    break;
                }

                if (await store.ClaimIntervalAsync(runner.NewRun(pipeline, date, "scheduled"), cancellationToken) is { } claimed)
                {
                    Launch(pipeline, claimed, cancellationToken);
                    started.Add(claimed);
                    slots--;
                }
            }
        }

        return started;
    }

    /// <summary>Intervals whose latest run was cleared by <c>sluice clear</c>: due again, to run what was cleared.</summary>
    private static IEnumerable<RunRecord> ClearedIntervals(IReadOnlyList<RunRecord> runs) =>
        runs.GroupBy(r => r.LogicalDate).Select(g => g.MaxBy(r => r.Id)!).Where(RunClearing.IsCleared).OrderBy(r => r.LogicalDate);

    /// <summary>
    /// Starts a run that resumes a cleared one. Its start is the claim: the store refuses a second live
    /// run of the interval, and once this one is recorded the interval's latest run is no longer cleared.
    /// </summary>
    private async Task<RunRecord?> ResumeClearedAsync(PipelineDefinition pipeline, RunRecord cleared, CancellationToken cancellationToken)
    {
        try
        {
            var started = await store.StartRunAsync(runner.NewRun(pipeline, cleared.LogicalDate, "scheduled"), cancellationToken);
            Launch(pipeline, started, cancellationToken, resumeFrom: cleared);
            return started;
        }
        catch (RunConflictException)
        {
            return null; // another scheduler or a run by hand got there first
        }
    }

    private void Launch(PipelineDefinition pipeline, RunRecord claimed, CancellationToken cancellationToken, RunRecord? resumeFrom = null)
    {
        var request = new RunRequest { LogicalDate = claimed.LogicalDate, Trigger = claimed.Trigger, Claimed = claimed, ResumeFrom = resumeFrom, Queued = Queued };
        var run = Task.Run(() => runner.RunAsync(pipeline, request, cancellationToken: cancellationToken), CancellationToken.None);
        lock (_running)
        {
            _running[claimed.Id] = run;
        }

        _ = run.ContinueWith(
            _ =>
            {
                lock (_running)
                {
                    _running.Remove(claimed.Id);
                }
            },
            TaskScheduler.Default);
    }

    /// <summary>Late intervals (no success by the deadline) and long runs (past max_duration), each reported once.</summary>
    private async Task CheckSlasAsync(PipelineDefinition pipeline, ScheduleCalendar calendar, IReadOnlyList<DateOnly> due, IReadOnlyList<RunRecord> runs, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var late = new List<(DateOnly Date, string Kind, DateTimeOffset Deadline, long? RunId)>();
        if (pipeline.Scheduling.SlaDeadline is { } deadline)
        {
            foreach (var date in due)
            {
                var limit = calendar.Interval(date).End + deadline;
                if (now > limit && !runs.Any(r => r.LogicalDate == date && r.State == RunState.Success))
                {
                    late.Add((date, "deadline", limit, runs.FirstOrDefault(r => r.LogicalDate == date)?.Id));
                }
            }
        }

        if (pipeline.Scheduling.SlaMaxDuration is { } longest)
        {
            late.AddRange(runs.Where(r => r.State == RunState.Running && now > r.StartedAt + longest)
                .Select(r => (r.LogicalDate, "max_duration", r.StartedAt + longest, (long?)r.Id)));
        }

        if (late.Count == 0)
        {
            return;
        }

        var reported = (await events.ReadAsync(new EventQuery { Pipeline = pipeline.Name, Types = [EventTypes.SlaMissed], Limit = 100_000 }, cancellationToken))
            .Select(e => (e.LogicalDate, e.Text("kind"))).ToHashSet();
        foreach (var (date, kind, limit, runId) in late.Where(l => !reported.Contains((l.Date, l.Kind))))
        {
            await events.AppendAsync(
                new RunEvent
                {
                    Timestamp = now,
                    Type = EventTypes.SlaMissed,
                    Pipeline = pipeline.Name,
                    LogicalDate = date,
                    RunId = runId,
                    Payload = new JsonObject
                    {
                        ["kind"] = kind,
                        ["deadline"] = limit.ToString("O"),
                        ["late_by_seconds"] = (long)(now - limit).TotalSeconds,
                        ["message"] = kind == "deadline"
                            ? $"{pipeline.Name} for {date:yyyy-MM-dd} has not succeeded {(now - limit).TotalMinutes:0} min after its SLA deadline ({limit:yyyy-MM-dd HH:mm} UTC)"
                            : $"run {runId} of {pipeline.Name} for {date:yyyy-MM-dd} is still running past its max_duration ({(now - limit).TotalMinutes:0} min over)",
                    },
                },
                cancellationToken);
        }
    }
}
