using Sluice.Connectors;
using Sluice.Model;

namespace Sluice.Execution;

/// <summary>
/// Which source tasks run inside the engine session of their consumer instead of staging their
/// output (a fused pair). Staging a dataset costs a full write and read of it; for an extract whose
/// only reader is one SQL or steps transform that needs no row order, that is most of the extract's
/// time, and the staged copy buys nothing a fresh read of the same local files would not. A pair is
/// fused only when nothing else needs the staged copy:
/// <list type="bullet">
/// <item>the dataset's one reader is the consumer, and the consumer reads nothing else from another task;</item>
/// <item>the dataset's columns are declared, so the read already has the contract's types, and it has no checks, metrics, NOT NULL or null-fraction limits, which audit a staged file;</item>
/// <item>the source quarantines nothing, reads no watermark, and neither task uses a pool;</item>
/// <item>no shared artifact store, whose copies let another machine resume;</item>
/// <item>the local mode only: a worker runs one task at a time and passes datasets on as files.</item>
/// </list>
/// <c>fuse_tasks: false</c> in the pipeline stages everything.
/// </summary>
internal static class TaskFusion
{
    /// <summary>Consumer by source task id, for the fused pairs of a pipeline.</summary>
    public static IReadOnlyDictionary<string, TaskDefinition> Pairs(PipelineDefinition pipeline, ConnectorCatalog catalog)
    {
        var pairs = new Dictionary<string, TaskDefinition>(StringComparer.Ordinal);
        if (!pipeline.FuseTasks || pipeline.ArtifactStore is not null)
        {
            return pairs;
        }

        var graph = PipelineGraph.Of(pipeline);
        foreach (var source in pipeline.Tasks.Where(t => t.Kind == TaskKind.Source))
        {
            if (ConsumerOf(source, pipeline, graph, catalog) is { } consumer)
            {
                pairs[source.Id] = consumer;
            }
        }

        return pairs;
    }

    private static TaskDefinition? ConsumerOf(TaskDefinition source, PipelineDefinition pipeline, PipelineGraph graph, ConnectorCatalog catalog)
    {
        if (source.AllOutputs.Count() != 1 || source.Incremental is not null || source.Pool is not null
            || source.Checks.Count > 0 || source.Metrics.Count > 0
            || catalog.Find(source.Kind, source.Connector) is not IFusableSource fusable || !fusable.CanFuse(source, pipeline))
        {
            return null;
        }

        var dataset = source.Outputs[0];
        // NOT NULL and null-fraction limits are checked on a staged file's profile.
        if (pipeline.FindDataset(dataset) is not { Columns.Count: > 0 } declared || declared.Checks.Count > 0 || declared.Metrics.Count > 0
            || declared.Columns.Any(c => !c.Nullable || c.MaxNullFraction is not null))
        {
            return null;
        }

        var readers = pipeline.Tasks.Where(t => t.Inputs.Contains(dataset, StringComparer.Ordinal)).ToList();
        var downstream = graph.Downstream(source.Id);
        if (readers.Count != 1 || downstream.Count != 1 || downstream[0] != readers[0].Id)
        {
            return null;
        }

        var consumer = readers[0];
        var upstream = graph.Upstream(consumer.Id);
        var fits = consumer.Kind == TaskKind.Transform && consumer.Pool is null
            && upstream.Count == 1 && upstream[0] == source.Id
            && catalog.Find(consumer.Kind, consumer.Connector) is IFusingConsumer reader && reader.CanReadFused(consumer, dataset, pipeline);
        return fits ? consumer : null;
    }
}
