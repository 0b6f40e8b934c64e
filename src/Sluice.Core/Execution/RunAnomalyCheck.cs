using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Anomalies;
using Sluice.Events;
using Sluice.Model;

namespace Sluice.Execution;

/// <summary>
/// At the end of a run, compares each metric the run observed with the same metric's history from
/// earlier successful runs and records an <c>anomaly</c> event for each value outside its expected range,
/// which the alert router turns into an incident. It never fails the run: a history it cannot read is
/// reported as a warning and the run goes on.
/// </summary>
internal static class RunAnomalyCheck
{
    public static async Task EvaluateAsync(PipelineDefinition pipeline, RunRecorder recorder, IEventLog? log, CancellationToken cancellationToken)
    {
        if (log is null || !pipeline.Anomalies.Enabled)
        {
            return;
        }

        // A metric observed twice in one run (a retried task) counts with its last value.
        var watched = recorder.Metrics
            .GroupBy(m => m.Observation.Key, StringComparer.Ordinal)
            .Select(g => g.Last())
            .Select(m => (m.TaskId, m.Observation, Settings: pipeline.Anomalies.SettingsFor(m.Observation.Dataset, m.Observation.Name)))
            .Where(m => m.Settings is not null)
            .ToList();
        if (watched.Count == 0)
        {
            return;
        }

        IReadOnlyDictionary<string, IReadOnlyList<MetricPoint>> history;
        try
        {
            history = await MetricHistory.ReadAsync(log, pipeline.Name, recorder.Run.Id, cancellationToken);
        }
        catch (Exception e) when (e is not OperationCanceledException)
        {
            recorder.Log("-", $"anomaly check skipped: the metric history could not be read ({e.Message})", "warning");
            return;
        }

        foreach (var (taskId, observation, settings) in watched)
        {
            var verdict = AnomalyDetector.Evaluate(history.GetValueOrDefault(observation.Key) ?? [], observation.Interval, observation.Value, settings!, pipeline.Interval);
            if (!verdict.IsAnomaly)
            {
                continue;
            }

            recorder.Write(EventTypes.Anomaly, taskId, Payload(observation, verdict, settings!));
            recorder.Log(
                taskId ?? "-",
                $"anomaly: metric '{observation.Key}' is {Number(verdict.Value)}; expected {Number(verdict.Low)} to {Number(verdict.High)} from {verdict.History} earlier intervals ({verdict.Method})",
                "warning");
        }
    }

    private static JsonObject Payload(MetricObservation observation, AnomalyVerdict verdict, AnomalySettings settings) => new()
    {
        ["metric"] = observation.Name,
        ["dataset"] = observation.Dataset,
        ["value"] = verdict.Value,
        ["expected"] = Round(verdict.Expected),
        ["low"] = Round(verdict.Low),
        ["high"] = Round(verdict.High),
        ["history"] = verdict.History,
        ["method"] = verdict.Method,
        ["threshold"] = settings.Threshold,
        ["interval_start"] = observation.Interval.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
        ["severity"] = settings.Severity,
    };

    private static double Round(double value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private static string Number(double value) => Round(value).ToString("0.##", CultureInfo.InvariantCulture);
}
