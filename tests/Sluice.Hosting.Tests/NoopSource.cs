using Sluice.Connectors;
using Sluice.Model;

namespace Sluice.Hosting.Tests;

/// <summary>A source that writes nothing and succeeds, optionally after waiting on the run's clock; counts its runs.</summary>
internal sealed class NoopSource(TimeProvider time) : IConnector
{
    private int _runs;
    private int _concurrent;

    public string Name => "noop";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Does nothing.";

    public IReadOnlyList<OptionSpec> Options => [new("takes", OptionKind.String, "how long on the clock") { Default = "0s" }];

    public int Runs => _runs;

    public int MaxConcurrent { get; private set; }

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        Interlocked.Increment(ref _runs);
        var now = Interlocked.Increment(ref _concurrent);
        lock (this)
        {
            MaxConcurrent = Math.Max(MaxConcurrent, now);
        }

        try
        {
            var takes = OptionParsing.ParseDuration(context.Options.GetRequiredString("takes")) ?? TimeSpan.Zero;
            if (takes > TimeSpan.Zero)
            {
                await Task.Delay(takes, time, cancellationToken);
            }

            return new TaskOutcome();
        }
        finally
        {
            Interlocked.Decrement(ref _concurrent);
        }
    }
}
