using Sluice.Model;

namespace Sluice.Connectors;

/// <summary>A named provider of sources, transforms or sinks. Each lives in its own project.</summary>
public interface IConnector
{
    /// <summary>The name used in pipelines, for example <c>files</c>.</summary>
    string Name { get; }

    TaskKind Kind { get; }

    string Description { get; }

    IReadOnlyList<OptionSpec> Options { get; }

    /// <summary>Extra checks on a task beyond option types (for example option combinations).</summary>
    IEnumerable<string> Validate(TaskDefinition task) => [];

    /// <summary>Checks that point into the options themselves (a step of a list, a nested key).</summary>
    IEnumerable<Validation.PipelineError> ValidateLocated(TaskDefinition task, PipelineDefinition pipeline) => [];

    /// <summary>Whether the task may set <c>on_bad_rows: quarantine</c>: it finds bad rows and can set them aside.</summary>
    bool SupportsQuarantine => Kind == TaskKind.Source;

    /// <summary>Whether the source applies <see cref="TaskContext.Incremental"/> and reports <see cref="TaskOutcome.Cursor"/>.</summary>
    bool SupportsIncremental => false;

    Task<TaskOutcome> ExecuteAsync(TaskContext context, CancellationToken cancellationToken);
}

/// <summary>What a task did: rows written per dataset, rows quarantined, and notes for the run log.</summary>
public sealed record TaskOutcome
{
    public IReadOnlyDictionary<string, long> RowsWritten { get; init; } = new Dictionary<string, long>();
    public long RowsQuarantined { get; init; }
    public long RowsRead { get; init; }

    /// <summary>
    /// Set by a sensor whose condition is not met yet: what it is waiting for. The task is poked again
    /// later (<see cref="Sensors.SensorSettings"/>) and this attempt does not count as a try.
    /// </summary>
    public string? Waiting { get; init; }

    /// <summary>An incremental source's highest cursor value among the rows it read; null when it read none.</summary>
    public Incremental.CursorValue? Cursor { get; init; }

    public long TotalRows => RowsWritten.Values.Sum();
}
