using Sluice.Artifacts;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Connectors;

/// <summary>Everything a connector needs to run one task for one data interval.</summary>
public sealed class TaskContext
{
    public required PipelineDefinition Pipeline { get; init; }
    public required TaskDefinition Task { get; init; }
    public required DataInterval Interval { get; init; }
    public required TemplateRenderer Templates { get; init; }
    public required RunArtifacts Artifacts { get; init; }
    public required ConnectorOptions Options { get; init; }
    public required Action<string> Log { get; init; }
    public int TryNumber { get; init; } = 1;

    /// <summary>Staged Parquet file of an input dataset, written by an upstream task.</summary>
    public string InputPath(string dataset) => Artifacts.ReadPath(dataset);

    /// <summary>Where to write an output dataset; it becomes visible only when the task succeeds.</summary>
    public string OutputPath(string dataset) => Artifacts.WritePath(dataset);

    public string ResolvePath(string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(Pipeline.BaseDirectory, path));
}
