using Sluice.Model;

namespace Sluice.Connectors;

/// <summary>
/// A source whose read can run inside the engine session of the one task that consumes its output,
/// instead of being written to a staged dataset first (see <see cref="FusedInput"/>). The engine that
/// shares the session defines how; this says only whether a task may.
/// </summary>
public interface IFusableSource
{
    /// <summary>Whether this task's read can be fused: known from its options alone, before it runs.</summary>
    bool CanFuse(TaskDefinition source, PipelineDefinition pipeline);
}
