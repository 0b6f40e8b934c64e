using Sluice.Execution;

namespace Sluice.Connectors.Postgres.Tests.Infrastructure;

/// <summary>Collects a run's log lines, to check what users would see.</summary>
internal sealed class LogLines : IRunObserver
{
    public List<string> All { get; } = [];

    public void Log(string taskId, string message)
    {
        lock (All)
        {
            All.Add($"{taskId}: {message}");
        }
    }
}
