using System.Runtime.CompilerServices;
using Sluice.Model;

namespace Sluice.Building;

/// <summary>The pipeline's <c>anomalies:</c> block (docs/anomalies.md) from code.</summary>
public sealed partial class PipelineBuilder
{
    /// <summary>
    /// How every watched metric is judged; <paramref name="metrics"/> (<c>orders.rows</c>, <c>rows</c>, <c>orders.*</c>)
    /// limits what is watched, as <c>anomalies.metrics</c> does; without it every recorded metric is.
    /// </summary>
    public PipelineBuilder Anomalies(AnomalySettings settings, IEnumerable<string>? metrics = null, [CallerLineNumber] int line = 0)
    {
        var at = At(line, null);
        var selectors = (metrics ?? []).Select(MetricSelector.Parse).Select(m => new MetricSelector(m.Dataset, m.Metric, settings, at));
        return With(p => p with { Anomalies = new AnomalyDefinition { Settings = settings, Metrics = [.. p.Anomalies.Metrics, .. selectors], Location = at } });
    }

    /// <summary>One metric's own settings, e.g. <c>AnomalyMetric("orders.revenue", new() { Threshold = 3 })</c>.</summary>
    public PipelineBuilder AnomalyMetric(string selector, AnomalySettings settings, [CallerLineNumber] int line = 0)
    {
        var (dataset, metric) = MetricSelector.Parse(selector);
        var at = At(line, selector);
        return With(p => p with { Anomalies = p.Anomalies with { Metrics = [.. p.Anomalies.Metrics.Where(m => m.Text != selector), new MetricSelector(dataset, metric, settings, at)] } });
    }

    /// <summary><c>anomalies: false</c>: no metric of this pipeline is judged against its history.</summary>
    public PipelineBuilder NoAnomalies() => With(p => p with { Anomalies = p.Anomalies with { Enabled = false } });
}
