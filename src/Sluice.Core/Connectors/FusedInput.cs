namespace Sluice.Connectors;

/// <summary>
/// An input of a task that is not staged: its source task's read runs inside the consumer's engine
/// session. The consumer binds it where it would bind the staged file and, once its own output is
/// written, reports the source's outcome with <see cref="Complete"/>. When the source finds anything
/// it would report (a malformed record, a value that does not convert), the fused attempt is abandoned
/// and both tasks run staged, so every error and quarantine is exactly the staged path's.
/// </summary>
public sealed class FusedInput
{
    public required string Dataset { get; init; }

    /// <summary>The source task's own context: its options, templates and log.</summary>
    public required TaskContext Source { get; init; }

    public required IConnector Connector { get; init; }

    /// <summary>What the source read, once the consumer has finished with it; null until then.</summary>
    public TaskOutcome? Outcome { get; private set; }

    public void Complete(TaskOutcome outcome) => Outcome = outcome;
}
