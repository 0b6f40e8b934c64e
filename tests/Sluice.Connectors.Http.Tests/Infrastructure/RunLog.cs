using Sluice.Execution;

namespace Sluice.Connectors.Http.Tests.Infrastructure;

/// <summary>Every line the run wrote to its log, as the CLI would print it (secrets already masked).</summary>
internal sealed class RunLog : IRunObserver
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines
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
            _lines.Add($"{taskId}: {message}");
        }
    }

    public override string ToString() => string.Join('\n', Lines);
}
