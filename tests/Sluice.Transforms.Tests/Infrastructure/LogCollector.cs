using System.Collections.Concurrent;
using Sluice.Execution;

namespace Sluice.Transforms.Tests.Infrastructure;

/// <summary>Keeps every run-log line, as "task: message", so tests can assert what the run reported.</summary>
internal sealed class LogCollector : IRunObserver
{
    private readonly ConcurrentQueue<(string Task, string Message)> _lines = new();

    public IReadOnlyList<(string Task, string Message)> Lines => _lines.ToList();

    public IEnumerable<string> Of(string task) => _lines.Where(l => l.Task == task).Select(l => l.Message);

    public void Log(string taskId, string message) => _lines.Enqueue((taskId, message));
}
