using System.Text.Json.Nodes;
using Sluice.Events;

namespace Sluice.Alerts.Tests.Infrastructure;

/// <summary>Writes the events the executor, checks and scheduler write, stamped by the test's clock.</summary>
internal sealed class RunEvents(IEventLog log, TimeProvider time, string pipeline = "sales_etl")
{
    private long _nextRun = 1;

    public long NewRun() => _nextRun++;

    public Task Task(long run, DateOnly date, string task, string to, string? error = null, int attempt = 1) =>
        Append(EventTypes.TaskStateChanged, run, date, task, new JsonObject { ["from"] = "running", ["to"] = to, ["attempt"] = attempt, ["error"] = error });

    public Task RunFinished(long run, DateOnly date, string state, string? error = null) =>
        Append(EventTypes.RunFinished, run, date, null, new JsonObject { ["state"] = state, ["error"] = error });

    public Task Check(long run, DateOnly date, string dataset, string check, string outcome, string severity = "error", string? message = null) =>
        Append(EventTypes.CheckResult, run, date, null, new JsonObject { ["dataset"] = dataset, ["check"] = check, ["severity"] = severity, ["outcome"] = outcome, ["message"] = message });

    public Task Drift(long run, DateOnly date, string dataset, string summary) =>
        Append(EventTypes.ContractDrift, run, date, null, new JsonObject { ["dataset"] = dataset, ["summary"] = summary });

    /// <summary>A whole run for one day: the task fails after its retries, the run fails.</summary>
    public async Task FailingDay(DateOnly date, string task, string error, int retries = 2)
    {
        var run = NewRun();
        for (var attempt = 1; attempt <= retries; attempt++)
        {
            await Task(run, date, task, "up_for_retry", error, attempt);
        }

        await Task(run, date, task, "failed", error, retries + 1);
        await RunFinished(run, date, "failed", $"task '{task}' failed: {error}");
    }

    /// <summary>A whole run for one day in which the task succeeds.</summary>
    public async Task SucceedingDay(DateOnly date, string task)
    {
        var run = NewRun();
        await Task(run, date, task, "success");
        await RunFinished(run, date, "success");
    }

    private Task Append(string type, long run, DateOnly date, string? task, JsonObject payload) =>
        log.AppendAsync(new RunEvent { Timestamp = time.GetUtcNow(), Type = type, Pipeline = pipeline, RunId = run, LogicalDate = date, TaskId = task, Payload = payload }, CancellationToken.None);
}
