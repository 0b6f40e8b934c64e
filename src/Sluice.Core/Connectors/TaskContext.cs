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

    /// <summary>Connection types known to the host, to read connection options with their specs.</summary>
    public ConnectorCatalog? Catalog { get; init; }

    /// <summary>The run history, for tasks that look at other runs (the <c>pipeline</c> sensor); null when there is none.</summary>
    public State.IMetadataStore? Store { get; init; }

    /// <summary>For a task with <c>incremental:</c>, the cursor bounds to read between; null reads everything.</summary>
    public Incremental.IncrementalRead? Incremental { get; init; }

    /// <summary>
    /// For a sink that is the last task downstream of incremental extracts still to succeed: the
    /// watermarks its success would commit. A sink whose load transaction reaches the metadata store's
    /// database commits them in that transaction (<see cref="Incremental.LoadTransactionWatermarks"/>);
    /// otherwise they are committed after the task.
    /// </summary>
    public IReadOnlyList<Incremental.HeldCursor> WatermarksToCommit { get; init; } = [];

    /// <summary>
    /// Appends an event of this task to the run's event log (type from <see cref="Events.EventTypes"/>, payload
    /// fields as documented there): what a connector observes beyond rows, such as a CDC slot's lag or a
    /// source's schema drift. Null outside a run.
    /// </summary>
    public Action<string, System.Text.Json.Nodes.JsonObject>? Emit { get; init; }

    /// <summary>Inputs read in place from their source task instead of a staged file, by dataset (see <see cref="FusedInput"/>).</summary>
    public IReadOnlyDictionary<string, FusedInput> FusedInputs { get; init; } = new Dictionary<string, FusedInput>();

    /// <summary>The clock of the run, so time-dependent checks follow a test's fake clock.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The options of the connection a task option names, template-expanded, secrets masked in logs.</summary>
    public ConnectorOptions Connection(string option = "connection")
    {
        var name = Options.GetRequiredString(option);
        var connection = Pipeline.FindConnection(name)
            ?? throw new SluiceException($"{Options.LocationOf(option)}: connection '{name}' is not defined.");
        var specs = Catalog?.FindConnectionType(connection.Type)?.Options ?? [];
        return new ConnectorOptions(connection.Options, specs, Templates);
    }

    /// <summary>Staged Parquet file of an input dataset, written by an upstream task.</summary>
    public string InputPath(string dataset) => Artifacts.ReadPath(dataset);

    /// <summary>Where to write an output dataset; it becomes visible only when the task succeeds.</summary>
    public string OutputPath(string dataset) => Artifacts.WritePath(dataset);

    public string ResolvePath(string path) =>
        Path.IsPathRooted(path) ? path : Path.GetFullPath(Path.Combine(Pipeline.BaseDirectory, path));
}
