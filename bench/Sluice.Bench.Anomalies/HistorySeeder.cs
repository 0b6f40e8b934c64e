using System.Text.Json.Nodes;
using Sluice.Anomalies;
using Sluice.Events;

namespace Sluice.Bench.Anomalies;

/// <summary>
/// Fills an event log with a year of daily runs as the runner writes them: per run, its start, each task's
/// state changes, rows and log lines, the metrics, and its end. A second pipeline of the same size shares
/// the log, so reading one pipeline's history has to skip the other's events.
/// </summary>
internal static class HistorySeeder
{
    public static async Task<int> SeedAsync(IEventLog log, string pipeline, DateOnly first, int days, int metrics, int otherEventsPerRun, long firstRunId)
    {
        var appended = 0;
        var random = new Random(7);
        for (var i = 0; i < days; i++)
        {
            var day = first.AddDays(i);
            var run = firstRunId + i;
            async Task Append(string type, JsonObject payload, string? task = null)
            {
                await log.AppendAsync(new RunEvent { Timestamp = DateTimeOffset.UtcNow, Type = type, Pipeline = pipeline, RunId = run, LogicalDate = day, TaskId = task, Payload = payload }, CancellationToken.None);
                appended++;
            }

            await Append(EventTypes.RunStarted, new JsonObject { ["trigger"] = "scheduled", ["interval_start"] = day.ToString("O") });
            for (var e = 0; e < otherEventsPerRun; e++)
            {
                await Append(e % 3 == 0 ? EventTypes.TaskStateChanged : EventTypes.Log, new JsonObject { ["to"] = "running", ["text"] = $"step {e}" }, $"task_{e % 6}");
            }

            for (var m = 0; m < metrics; m++)
            {
                var level = day.DayOfWeek == DayOfWeek.Saturday ? 3000 : 1000;
                var value = level * (1 + m) * (0.95 + (random.NextDouble() * 0.1));
                var observation = new MetricObservation($"dataset_{m % 5}", m < 5 ? MetricObservation.Rows : $"metric_{m}", day, Math.Round(value, 2));
                await Append(EventTypes.MetricObserved, observation.ToPayload(pipeline), $"task_{m % 6}");
            }

            await Append(EventTypes.RunFinished, new JsonObject { ["state"] = i % 50 == 49 ? "failed" : "success", ["tasks"] = 6 });
        }

        return appended;
    }
}
