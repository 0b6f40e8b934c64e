using System.Collections.Concurrent;
using Sluice.Execution;

namespace Sluice.Testing;

/// <summary>
/// What a run wrote to its log (secrets already masked), to assert what users would see.
/// Tasks log from several threads; each property returns a snapshot in arrival order.
/// </summary>
public sealed class RunLog : IRunObserver
{
    private readonly ConcurrentQueue<(string TaskId, string Message)> _entries = new();

    /// <summary>The messages alone, for checks that do not care which task wrote them.</summary>
    public IReadOnlyList<string> Messages => [.. _entries.Select(e => e.Message)];

    /// <summary>Each entry as "task: message".</summary>
    public IReadOnlyList<string> Lines => [.. _entries.Select(e => $"{e.TaskId}: {e.Message}")];

    /// <summary>The messages of one task.</summary>
    public IReadOnlyList<string> Of(string taskId) => [.. _entries.Where(e => e.TaskId == taskId).Select(e => e.Message)];

    public void Log(string taskId, string message) => _entries.Enqueue((taskId, message));

    public override string ToString() => string.Join('\n', Lines);
}
