using Sluice.Model;
using Sluice.Observability;
using Sluice.State;

namespace Sluice.Hosting;

/// <summary>
/// Gives the freshness gauge each pipeline's latest successful interval from the run history, once per
/// pipeline, so a restarted scheduler reports the lag at once instead of after the next success.
/// </summary>
internal sealed class FreshnessSeed(IMetadataStore store, RunMetrics? metrics)
{
    /// <summary>How many recent runs of a pipeline are looked through for a success.</summary>
    private const int RecentRuns = 500;

    private readonly HashSet<string> _seeded = new(StringComparer.Ordinal);

    public async Task SeedAsync(IReadOnlyList<PipelineDefinition> pipelines, CancellationToken cancellationToken)
    {
        if (metrics is null)
        {
            return;
        }

        foreach (var pipeline in pipelines.Where(p => _seeded.Add(p.Name)))
        {
            var runs = await store.ListRunsAsync(pipeline.Name, RecentRuns, cancellationToken);
            if (runs.Where(r => r.State == RunState.Success).MaxBy(r => r.IntervalEnd) is { } latest)
            {
                metrics.Seed(pipeline.Name, latest.IntervalEnd);
            }
        }
    }
}
