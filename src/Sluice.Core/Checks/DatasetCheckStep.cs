using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Artifacts;
using Sluice.Connectors;
using Sluice.Events;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Checks;

/// <summary>
/// The audit in write-audit-publish: after a task staged its outputs (and their contracts held), runs
/// each output's declared checks, records every verdict as a <c>check_result</c> event, and fails the
/// task on an <c>error</c> check before anything is published; <c>warn</c> checks only log. Then records
/// each output's <c>rows</c> and declared metrics as <c>metric_observed</c> events.
/// </summary>
internal sealed class DatasetCheckStep(
    PipelineDefinition pipeline,
    DataInterval interval,
    RunArtifacts artifacts,
    ICheckRunner? runner,
    IEventLog? history,
    Action<string, string?, JsonObject> emit)
{
    public async Task RunAsync(TaskDefinition task, TaskOutcome outcome, Action<string, string> log, CancellationToken cancellationToken)
    {
        var failures = new List<string>();
        var metrics = new List<JsonObject>();
        foreach (var output in task.Outputs)
        {
            var staged = artifacts.WritePath(output);
            if (!File.Exists(staged))
            {
                continue;
            }

            if (pipeline.FindDataset(output) is { } declared && (declared.Checks.Count > 0 || declared.Metrics.Count > 0))
            {
                if (runner is null)
                {
                    throw new NonRetryableException($"dataset '{output}' declares checks or metrics, but this host has no check runner (DuckDB); add Sluice.Engine.DuckDb to it.");
                }

                var report = await runner.RunAsync(await RequestAsync(task, declared, staged, cancellationToken), cancellationToken);
                foreach (var result in report.Results)
                {
                    Record(task, output, result, failures, log);
                }

                metrics.Add(Metric(output, "rows", report.Rows));
                metrics.AddRange(report.Metrics.Where(m => m.Value is not null).Select(m => Metric(output, m.Name, m.Value!.Value)));
            }
            else if (outcome.RowsWritten.TryGetValue(output, out var rows))
            {
                metrics.Add(Metric(output, "rows", rows));
            }
        }

        if (failures.Count > 0)
        {
            throw new BadDataException($"{failures.Count} error check(s) failed: {string.Join("; ", failures)}. Nothing was published.");
        }

        foreach (var metric in metrics)
        {
            emit(EventTypes.MetricObserved, task.Id, metric);
        }
    }

    private async Task<DatasetCheckRequest> RequestAsync(TaskDefinition task, DatasetDefinition declared, string staged, CancellationToken cancellationToken)
    {
        var others = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var other in declared.Checks.Select(c => c.OtherDataset).OfType<string>().Distinct())
        {
            if (task.AllOutputs.Contains(other))
            {
                others[other] = artifacts.WritePath(other);
            }
            else
            {
                await artifacts.FetchAsync([other], cancellationToken);
                others[other] = artifacts.ReadPath(other);
            }
        }

        var needed = declared.Checks.Where(c => c is { Type: "row_count" } && (c.MinRatioOfMedian is not null || c.MaxRatioOfMedian is not null))
            .Select(c => c.History).DefaultIfEmpty(0).Max();
        IReadOnlyList<long> rowHistory = needed > 0 && history is not null
            ? (await MetricHistory.ReadAsync(history, pipeline.Name, declared.Name, "rows", interval.LogicalDate, needed, cancellationToken)).Select(v => (long)v).ToList()
            : [];
        return new DatasetCheckRequest(declared, staged, others, interval, rowHistory);
    }

    private void Record(TaskDefinition task, string dataset, CheckResult result, List<string> failures, Action<string, string> log)
    {
        var check = result.Check;
        emit(EventTypes.CheckResult, task.Id, new JsonObject
        {
            ["pipeline"] = pipeline.Name,
            ["dataset"] = dataset,
            ["check"] = check.Name,
            ["severity"] = check.Severity == CheckSeverity.Error ? "error" : "warn",
            ["outcome"] = result.Outcome.ToString().ToLowerInvariant(),
            ["observed"] = result.Observed,
            ["message"] = result.Message,
        });
        if (result.Outcome == CheckOutcome.Pass)
        {
            log($"check {dataset}.{check.Name} passed ({result.Observed})", "info");
            return;
        }

        var text = $"check '{check.Name}' on dataset '{dataset}' ({check.Location}) {(result.Outcome == CheckOutcome.Fail ? "failed" : "could not run")}: {result.Message}";
        if (check.Severity == CheckSeverity.Error)
        {
            failures.Add(text);
        }
        else
        {
            log($"warning: {text}", "warning");
        }
    }

    private JsonObject Metric(string dataset, string name, double value) => new()
    {
        ["pipeline"] = pipeline.Name,
        ["dataset"] = dataset,
        ["name"] = name,
        ["value"] = value,
        ["interval_start"] = interval.LogicalDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };
}
