using Sluice.Connectors;
using Sluice.Engine.DuckDb;
using Sluice.Model;

namespace Sluice.IntegrationTests.Infrastructure;

/// <summary>
/// A real source connector whose behaviour a test scripts: fail a number of times, hang, or throw a
/// given error, then write a small real Parquet dataset. Used to drive the executor's retry,
/// timeout and parallelism paths, which no well-behaved connector exercises.
/// </summary>
internal sealed class ScriptedConnector(string name) : IConnector
{
    private int _calls;
    private int _running;
    private int _maxRunning;

    public string Name => name;

    public TaskKind Kind => TaskKind.Source;

    public string Description => "test source";

    public IReadOnlyList<OptionSpec> Options { get; } =
    [
        new("fail_times", OptionKind.Integer, "Attempts that fail before one succeeds.") { Default = "0" },
        OptionSpec.Text("error", "Message of the failures.", @default: "temporary outage"),
        new("bad_data", OptionKind.Boolean, "Fail with a non-retryable data error.") { Default = "false" },
        new("delay_ms", OptionKind.Integer, "How long each attempt takes.") { Default = "0" },
        new("block_ms", OptionKind.Integer, "How long each attempt blocks its thread, as a synchronous driver does.") { Default = "0" },
    ];

    public int Calls => _calls;

    public int MaxConcurrent => _maxRunning;

    public List<DateTimeOffset> AttemptTimes { get; } = [];

    public async Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        var call = Interlocked.Increment(ref _calls);
        lock (AttemptTimes)
        {
            AttemptTimes.Add(DateTimeOffset.UtcNow);
        }

        var running = Interlocked.Increment(ref _running);
        InterlockedMax(ref _maxRunning, running);
        try
        {
            Thread.Sleep(context.Options.GetInt("block_ms"));
            await Task.Delay(context.Options.GetInt("delay_ms"), cancellationToken);
            if (context.Options.GetBool("bad_data"))
            {
                throw new BadDataException("the data is wrong");
            }

            if (call <= context.Options.GetInt("fail_times"))
            {
                throw new InvalidOperationException(context.Options.GetRequiredString("error"));
            }

            var output = context.Task.Outputs[0];
            await using var session = await DuckDbSession.OpenAsync(cancellationToken: cancellationToken);
            var rows = await session.CopyToParquetAsync("SELECT range AS id FROM range(3)", [], context.OutputPath(output), cancellationToken);
            return new TaskOutcome { RowsWritten = new Dictionary<string, long> { [output] = rows } };
        }
        finally
        {
            Interlocked.Decrement(ref _running);
        }
    }

    private static void InterlockedMax(ref int target, int value)
    {
        int current;
        while ((current = Volatile.Read(ref target)) < value && Interlocked.CompareExchange(ref target, value, current) != current)
        {
        }
    }
}
