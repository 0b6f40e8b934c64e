using System.Collections.Concurrent;
using Sluice.Connectors;
using Sluice.Model;

namespace Sluice.Hosting.Tests;

/// <summary>
/// A source for the worker simulation: takes its task's configured time on the fake clock and records,
/// per task, how many attempts ran at once, so overlapping attempts of one task instance are caught.
/// </summary>
internal sealed class SimSource(TimeProvider time, IReadOnlyDictionary<string, TimeSpan> durations) : IConnector
{
    private readonly ConcurrentDictionary<string, int> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _mostAtOnce = new(StringComparer.Ordinal);

    public string Name => "sim";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Takes a while on the fake clock.";

    public IReadOnlyList<OptionSpec> Options => [];

    /// <summary>Tasks that ever had two attempts running at the same time.</summary>
    public IReadOnlyList<string> Overlapped => _mostAtOnce.Where(m => m.Value > 1).Select(m => m.Key).ToList();

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var id = context.Task.Id;
        var now = _active.AddOrUpdate(id, 1, (_, n) => n + 1);
        _mostAtOnce.AddOrUpdate(id, now, (_, n) => Math.Max(n, now));
        try
        {
            if (durations[id] > TimeSpan.Zero)
            {
                await Task.Delay(durations[id], time, cancellationToken);
            }

            return new TaskOutcome();
        }
        finally
        {
            _active.AddOrUpdate(id, 0, (_, n) => n - 1);
        }
    }
}
