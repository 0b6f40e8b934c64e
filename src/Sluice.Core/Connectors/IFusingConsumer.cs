using Sluice.Model;

namespace Sluice.Connectors;

/// <summary>A transform that can read one of its inputs straight from a fused source's read (<see cref="FusedInput"/>).</summary>
public interface IFusingConsumer
{
    /// <summary>
    /// Whether the consumer gives the same result from <paramref name="dataset"/> read in place as from
    /// its staged copy: it must not need the rows' input order, which a fused read does not number.
    /// </summary>
    bool CanReadFused(TaskDefinition consumer, string dataset, PipelineDefinition pipeline);
}
