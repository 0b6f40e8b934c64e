using Sluice.Connectors;
using Sluice.Model;

namespace Sluice.Bench.Workers;

/// <summary>A task that does nothing, so what is measured is the queue's and the worker's own cost.</summary>
internal sealed class NoopSource : IConnector
{
    public string Name => "noop";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Does nothing.";

    public IReadOnlyList<OptionSpec> Options => [];

    public Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken) => Task.FromResult(new TaskOutcome());
}
