using Sluice.Execution;

namespace Sluice.Connectors.S3.Tests.Infrastructure;

/// <summary>Collects the run's log lines, as the CLI would print them.</summary>
internal sealed class LogLines : IRunObserver
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> All
    {
        get
        {
            lock (_lines)
            {
                return _lines.ToList();
            }
        }
    }

    public void Log(string taskId, string message)
    {
        lock (_lines)
        {
            _lines.Add(message);
        }
    }
}
