using Sluice.Connectors;
using Sluice.Model;

namespace Sluice.Core.Tests.Support;

/// <summary>
/// A source that fails its first <c>fail_times</c> attempts (per task) with <c>error</c>, then succeeds
/// writing nothing; records the clock's time of every attempt.
/// </summary>
internal sealed class FlakySource(TimeProvider time) : IConnector
{
    private readonly Dictionary<string, List<DateTimeOffset>> _attempts = new(StringComparer.Ordinal);

    public string Name => "flaky";

    public TaskKind Kind => TaskKind.Source;

    public string Description => "Fails a given number of times, then succeeds.";

    public IReadOnlyList<OptionSpec> Options =>
    [
        new("fail_times", OptionKind.Integer, "attempts that fail") { Default = "0" },
        new("error", OptionKind.String, "the error message") { Default = "the source is down" },
        new("permanent", OptionKind.Boolean, "fail as bad data (not retryable)") { Default = "false" },
        new("rows", OptionKind.Integer, "rows it reports for its output; none when unset"),
    ];

    public IReadOnlyList<DateTimeOffset> AttemptsOf(string task)
    {
        lock (_attempts)
        {
            return _attempts.GetValueOrDefault(task)?.ToList() ?? [];
        }
    }

    public Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken)
    {
        int count;
        lock (_attempts)
        {
            if (!_attempts.TryGetValue(context.Task.Id, out var list))
            {
                _attempts[context.Task.Id] = list = [];
            }

            list.Add(time.GetUtcNow());
            count = list.Count;
        }

        if (count <= context.Options.GetInt("fail_times"))
        {
            var message = context.Options.GetRequiredString("error");
            throw context.Options.GetBool("permanent") ? new BadDataException(message) : new IOException(message);
        }

        return Task.FromResult(context.Options.GetString("rows") is { } rows
            ? new TaskOutcome { RowsWritten = new Dictionary<string, long> { [context.Task.Outputs[0]] = long.Parse(rows, System.Globalization.CultureInfo.InvariantCulture) } }
            : new TaskOutcome());
    }
}
