using System.Collections.Concurrent;
using Sluice.Connectors;
using Sluice.Model;
using Sluice.State;

namespace Sluice.Incremental;

/// <summary>
/// The watermarks of one run. An incremental source reads from the committed watermark (minus
/// lookback); the highest cursor it read is held here, in memory, and written to the cursor store only
/// once every task downstream of the source (the loads that used its rows) has succeeded. A crash or a
/// failed load before that leaves the old watermark, so the next run reads those rows again and the
/// load, keyed by the primary key, replaces them instead of adding them twice.
/// </summary>
internal sealed class Watermarks(PipelineDefinition pipeline, long runId, ICursorStore? store, CursorRequest request, TimeProvider time, Action<string, string, string> log)
{
    private readonly ConcurrentDictionary<string, Pending> _pending = new(StringComparer.Ordinal);
    private readonly PipelineGraph _graph = PipelineGraph.Of(pipeline);

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
    public void Extracted(TaskDefinition task, IncrementalRead read, TaskOutcome outcome)
    {
        if (read.Replay || outcome.Cursor is null)
        {
            // A replay never moves the watermark, and a read of no rows has nothing to move it to.
            return;
        }

        // With lookback the rows read may all be older than the watermark: it never goes back by itself.
        var next = request.FullRefresh ? outcome.Cursor : CursorValue.Max(read.Watermark, outcome.Cursor);
        _pending[task.Id] = new Pending(task, read.Column, read.Watermark, next);
    }

    /// <summary>Commits each held watermark whose source's downstream tasks have all succeeded.</summary>
    public async Task CommitReadyAsync(IReadOnlyDictionary<string, TaskInstanceRecord> tasks, CancellationToken cancellationToken)
    {
        foreach (var pending in _pending.Values)
        {
            var downstream = _graph.Descendants([pending.Task.Id]).Where(id => id != pending.Task.Id);
            if (!downstream.All(id => tasks.TryGetValue(id, out var t) && t.State == TaskState.Success) || !_pending.TryRemove(pending.Task.Id, out _))
            {
                continue;
            }

            await TestHold.ReachedAsync("before-watermark", cancellationToken);
            var state = new CursorState { Pipeline = pipeline.Name, TaskId = pending.Task.Id, Column = pending.Column, Value = pending.Next, UpdatedAt = time.GetUtcNow(), RunId = runId };
            if (await store!.AdvanceCursorAsync(state, pending.Expected, cancellationToken))
            {
                log(pending.Task.Id, $"watermark of '{pending.Column}' committed: {pending.Expected?.Text ?? "(none)"} -> {pending.Next}", "info");
            }
            else
            {
                log(pending.Task.Id, $"watermark of '{pending.Column}' not moved to {pending.Next}: another run or 'sluice state set' changed it since this run read it; the next run reads from that value", "warning");
            }
        }
    }

    private sealed record Pending(TaskDefinition Task, string Column, CursorValue? Expected, CursorValue Next);
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
