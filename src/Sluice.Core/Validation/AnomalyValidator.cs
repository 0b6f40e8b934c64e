using Sluice.Model;

namespace Sluice.Validation;

/// <summary>Checks that each dataset named in <c>anomalies.metrics</c> is one some task writes.</summary>
internal static class AnomalyValidator
{
    public static void Check(PipelineDefinition pipeline, IReadOnlyCollection<string> datasets, List<PipelineError> errors)
    {
        foreach (var selector in pipeline.Anomalies.Metrics.Where(m => m.Dataset is { } d && !datasets.Contains(d)))
        {
            errors.Add(new(selector.Location, $"anomalies.metrics: '{selector.Text}' names " + Suggestions.UnknownName("dataset", selector.Dataset!, datasets) + " Metrics are recorded for the datasets tasks write, and for the tables of sinks with checks or metrics (schema.table)."));
        }
    }
}
