using Sluice.Execution;

namespace Sluice.Transforms.Models.Tests.Infrastructure;

/// <summary>Collects the run's log lines, to check what each task reported and in which order.</summary>
internal sealed class LogCollector : IRunObserver
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    public void Log(string taskId, string message)
    {
        lock (_lines)
        {
            _lines.Add($"[{taskId}] {message}");
        }
    }
}
