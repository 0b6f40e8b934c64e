using Sluice.Connectors;
using Sluice.Model;
using Sluice.State;

namespace Sluice.Incremental;

/// <summary>
/// The watermarks of one run. An incremental source reads from the committed watermark (minus
/// lookback); the highest cursor it read is held in the cursor store (<see cref="HeldCursor"/>) and
/// becomes the watermark only once every task downstream of the source (the loads that used its rows)
/// has succeeded. A crash or a failed load before that leaves the old watermark, so the next run reads
/// those rows again and the load, keyed by the primary key, replaces them instead of adding them twice.
/// Because the held value is stored, not kept in memory, whichever process finishes the last load commits
/// it: this one in the local mode, a worker in a queued run, or a later run that resumes this one.
/// </summary>
internal sealed class Watermarks(
    PipelineDefinition pipeline,
    long runId,
    ICursorStore? store,
    CursorRequest request,
    TimeProvider time,
    Action<string, string, string> log,
    Func<CancellationToken, Task<IReadOnlyDictionary<string, TaskInstanceRecord>>>? taskStates = null)
{
    private readonly PipelineGraph _graph = PipelineGraph.Of(pipeline);
    private readonly bool _incremental = pipeline.Tasks.Any(t => t.Incremental is not null);

    public async Task<IncrementalRead?> ReadForAsync(TaskDefinition task, CancellationToken cancellationToken)
    {
        if (task.Incremental is not { } definition)
        {
            return null;
        }

        var cursors = store ?? throw new SluiceException($"task '{task.Id}' is incremental ({definition.Location}), but this metadata store keeps no cursors; use the SQLite state folder or the PostgreSQL metadata store.");
        var initial = definition.Initial is { } text ? CursorValue.Parse(text) : null;
        if (request.ReplayFrom is not null || request.ReplayTo is not null)
        {
            return new IncrementalRead { Definition = definition, Lower = request.ReplayFrom ?? initial, Upper = request.ReplayTo, Replay = true, Origin = "replay; the watermark does not move" };
        }

        var stored = (await cursors.GetCursorAsync(pipeline.Name, task.Id, cancellationToken))?.Value;
        if (request.FullRefresh || stored is null)
        {
            return new IncrementalRead { Definition = definition, Lower = initial, Watermark = stored, Origin = request.FullRefresh ? "full refresh" : "first run, from 'initial'" };
        }

        var lower = stored.Minus(definition.Lookback, definition.LookbackUnits);
        var origin = lower == stored ? $"watermark {stored}" : $"watermark {stored} minus lookback";
        return new IncrementalRead { Definition = definition, Lower = lower, Watermark = stored, Origin = origin };
    }

    /// <summary>Holds the highest cursor a source read, with the watermark it started from, until its loads commit.</summary>
    public async Task ExtractedAsync(TaskDefinition task, IncrementalRead read, TaskOutcome outcome, CancellationToken cancellationToken)
    {
        if (read.Replay || outcome.Cursor is null)
        {
            // A replay never moves the watermark, and a read of no rows has nothing to move it to.
            return;
        }

        // With lookback the rows read may all be older than the watermark: it never goes back by itself.
        var next = request.FullRefresh ? outcome.Cursor : CursorValue.Max(read.Watermark, outcome.Cursor);
        var held = new HeldCursor { Pipeline = pipeline.Name, TaskId = task.Id, RunId = runId, Column = read.Column, Expected = read.Watermark, Next = next, HeldAt = time.GetUtcNow() };
        await store!.HoldCursorAsync(held, cancellationToken);
    }

    /// <summary>
    /// A resumed run reuses extracts of <paramref name="previousRunId"/> without reading again: what they
    /// held is held for this run too, and commits when this run's loads do.
    /// </summary>
    public async Task AdoptAsync(long previousRunId, IReadOnlySet<string> reusedTasks, CancellationToken cancellationToken)
    {
        if (!_incremental || store is null)
        {
            return;
        }

        foreach (var held in await store.ListHeldCursorsAsync(pipeline.Name, cancellationToken))
        {
            if (held.RunId == previousRunId && reusedTasks.Contains(held.TaskId))
            {
                await store.HoldCursorAsync(held with { RunId = runId }, cancellationToken);
                log(held.TaskId, $"reused from run {previousRunId}: the watermark it read ({held.Expected?.Text ?? "(none)"} -> {held.Next}) commits when this run's loads do", "info");
            }
        }
    }

    /// <summary>
    /// The cursors this run holds that <paramref name="task"/>, a sink, completes: every other task
    /// downstream of their source has succeeded. The sink may commit them in its load's transaction.
    /// </summary>
    public async Task<IReadOnlyList<HeldCursor>> CompletedByAsync(TaskDefinition task, CancellationToken cancellationToken)
    {
        if (!_incremental || store is not ITransactionalCursorStore || taskStates is null || task.Kind != TaskKind.Sink)
        {
            return [];
        }

        var held = (await store.ListHeldCursorsAsync(pipeline.Name, cancellationToken)).Where(h => h.RunId == runId && _graph.Descendants([h.TaskId]).Contains(task.Id)).ToList();
        if (held.Count == 0)
        {
            return [];
        }

        var tasks = await taskStates(cancellationToken);
        return held.Where(h => DownstreamSucceeded(h.TaskId, tasks, except: task.Id)).ToList();
    }

    /// <summary>Whether every task downstream of <paramref name="source"/> (but <paramref name="except"/>) has succeeded: its loads have committed.</summary>
    private bool DownstreamSucceeded(string source, IReadOnlyDictionary<string, TaskInstanceRecord> tasks, string? except = null) =>
        _graph.Descendants([source]).Where(id => id != source && id != except).All(id => tasks.TryGetValue(id, out var t) && t.State == TaskState.Success);

    /// <summary>Commits each cursor this run holds whose source's downstream tasks have all succeeded.</summary>
    public async Task CommitReadyAsync(IReadOnlyDictionary<string, TaskInstanceRecord> tasks, CancellationToken cancellationToken)
    {
        if (!_incremental || store is null)
        {
            return;
        }

        var loaded = pipeline.Tasks
            .Where(t => t.Incremental is not null && DownstreamSucceeded(t.Id, tasks))
            .Select(t => t.Id)
            .ToHashSet(StringComparer.Ordinal);
        if (loaded.Count == 0)
        {
            return;
        }

        // The loads have committed; a watermark not committed with them (in their transaction) is committed now.
        await TestHold.ReachedAsync("before-watermark", cancellationToken);
        foreach (var held in await store.ListHeldCursorsAsync(pipeline.Name, cancellationToken))
        {
            if (held.RunId != runId || !loaded.Contains(held.TaskId))
            {
                continue;
            }

            switch (await store.CommitHeldCursorAsync(held, time.GetUtcNow(), cancellationToken))
            {
                case CursorCommit.Committed:
                    log(held.TaskId, $"watermark of '{held.Column}' committed: {held.Expected?.Text ?? "(none)"} -> {held.Next}", "info");
                    break;
                case CursorCommit.Conflict:
                    log(held.TaskId, $"watermark of '{held.Column}' not moved to {held.Next}: another run or 'sluice state set' changed it since this run read it; the next run reads from that value", "warning");
                    break;
            }
        }
    }
}

/// <summary>How a run treats watermarks: from the stored value (default), from <c>initial</c> (full refresh), or a fixed range (replay).</summary>
public sealed record CursorRequest
{
    public static readonly CursorRequest Default = new();

    /// <summary>Read from <c>initial</c> whatever the watermark says, then store the new high.</summary>
    public bool FullRefresh { get; init; }

    /// <summary>Replay: read this inclusive range and leave the watermark where it is.</summary>
    public CursorValue? ReplayFrom { get; init; }

    public CursorValue? ReplayTo { get; init; }
}
