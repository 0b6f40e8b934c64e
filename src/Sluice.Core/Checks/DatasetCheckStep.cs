using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Anomalies;
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
                // A fused read stages nothing, but what it read is still the dataset's row count.
                if (outcome.RowsWritten.TryGetValue(output, out var read))
                {
                    metrics.Add(Metric(output, "rows", read));
                }

                continue;
            }

            if (pipeline.FindDataset(output) is { } declared && (declared.Checks.Count > 0 || declared.Metrics.Count > 0))
            {
                await AuditAsync(task, declared, output, "dataset", staged, failures, metrics, log, cancellationToken);
            }
            else if (outcome.RowsWritten.TryGetValue(output, out var rows))
            {
                metrics.Add(Metric(output, "rows", rows));
            }
        }

        Publish(task, failures, metrics, "Nothing was published.");
    }

    /// <summary>
    /// The checks and metrics declared on a sink task, over its target table after the load committed: the
    /// table is exported to a Parquet file and audited like a dataset, named <c>schema.table</c> in events.
    /// An <c>error</c> check fails the task (the loaded rows stay; downstream tasks do not run).
    /// </summary>
    public async Task RunTableAsync(TaskDefinition task, ICheckableSink sink, TaskContext context, Action<string, string> log, CancellationToken cancellationToken)
    {
        var (schema, table) = sink.TargetOf(context);
        var target = $"{schema}.{table}";
        var copy = artifacts.WritePath($"_table_{task.Id}");
        try
        {
            await sink.ExportTargetAsync(context, copy, cancellationToken);
            var declared = new DatasetDefinition { Name = table, Checks = task.Checks, Metrics = task.Metrics, Location = task.LocationOf("checks", "metrics") };
            var failures = new List<string>();
            var metrics = new List<JsonObject>();
            await AuditAsync(task, declared, target, "table", copy, failures, metrics, log, cancellationToken);
            Publish(task, failures, metrics, $"The load into {target} has committed; fix the data or the check, then rerun the interval.");
        }
        finally
        {
            File.Delete(copy);
        }
    }

    /// <param name="name">What events name: the dataset, or a sink's <c>schema.table</c>.</param>
    /// <param name="kind">dataset or table, for messages.</param>
    private async Task AuditAsync(TaskDefinition task, DatasetDefinition declared, string name, string kind, string staged, List<string> failures, List<JsonObject> metrics, Action<string, string> log, CancellationToken cancellationToken)
    {
        if (runner is null)
        {
            throw new NonRetryableException($"'{name}' declares checks or metrics, but this host has no check runner (DuckDB); add Sluice.Engine.DuckDb to it.");
        }

        var report = await runner.RunAsync(await RequestAsync(task, declared, name, staged, cancellationToken), cancellationToken);
        foreach (var result in report.Results)
        {
            Record(task, name, kind, result, failures, log);
        }

        metrics.Add(Metric(name, "rows", report.Rows));
        metrics.AddRange(report.Metrics.Where(m => m.Value is not null).Select(m => Metric(name, m.Name, m.Value!.Value)));
    }

    /// <summary>Fails the task on any failed error check; otherwise records the metrics (only data that passed joins their history).</summary>
    private void Publish(TaskDefinition task, List<string> failures, List<JsonObject> metrics, string consequence)
    {
        if (failures.Count > 0)
        {
            throw new BadDataException($"{failures.Count} error check(s) failed: {string.Join("; ", failures)}. {consequence}");
        }

        foreach (var metric in metrics)
        {
            emit(EventTypes.MetricObserved, task.Id, metric);
        }
    }

    private async Task<DatasetCheckRequest> RequestAsync(TaskDefinition task, DatasetDefinition declared, string name, string staged, CancellationToken cancellationToken)
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
            ? (await MetricHistory.ReadAsync(history, pipeline.Name, name, "rows", interval.LogicalDate, needed, cancellationToken)).Select(v => (long)v).ToList()
            : [];
        return new DatasetCheckRequest(declared, staged, others, interval, rowHistory);
    }

    private void Record(TaskDefinition task, string dataset, string kind, CheckResult result, List<string> failures, Action<string, string> log)
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

        var text = $"check '{check.Name}' on {kind} '{dataset}' ({check.Location}) {(result.Outcome == CheckOutcome.Fail ? "failed" : "could not run")}: {result.Message}";
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
