using System.CommandLine;
using Spectre.Console;
using Sluice.Events;
using Sluice.State;

namespace Sluice.Cli.Commands;

internal static class RunsCommand
{
    public static Command Create()
    {
        var pipeline = new Option<string?>("--pipeline") { Description = "Only runs of this pipeline." };
        var limit = new Option<int>("--limit") { Description = "Most recent runs to list.", DefaultValueFactory = _ => 20 };
        var runId = new Option<long?>("--run") { Description = "Show the task instances of one run." };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("runs", "List run history, or the tasks of one run.") { pipeline, limit, runId, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var state = SluiceHost.StateDirectory(parse.GetValue(stateDir));
            var metadata = SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), state);
            if (!SluiceHost.HasHistory(metadata))
            {
                Console.WriteLine($"no runs yet (no run history in {state}).");
                return 0;
            }

            await using var store = await SluiceHost.OpenStoreAsync(metadata, cancellationToken);
            if (parse.GetValue(runId) is { } id)
            {
                PrintTasks(id, await store.GetRunAsync(id, cancellationToken), await store.ListTasksAsync(id, cancellationToken));
                PrintAnomalies(await EventLogs.Of(store).ReadAsync(new EventQuery { RunId = id, Types = [EventTypes.Anomaly] }, cancellationToken));
            }
            else
            {
                PrintRuns(await store.ListRunsAsync(parse.GetValue(pipeline), parse.GetValue(limit), cancellationToken));
                PrintFailedDeliveries(await Alerts.AlertHistory.ReadAsync(EventLogs.Of(store), parse.GetValue(pipeline), RecentDeliveries, cancellationToken));
            }

            return 0;
        }));
        return command;
    }

    private static void PrintRuns(IReadOnlyList<RunRecord> runs)
    {
        if (runs.Count == 0)
        {
            Console.WriteLine("no runs yet.");
            return;
        }

        var table = new Table().AddColumns("run", "pipeline", "date", "state", "trigger", "started (UTC)", "duration", "error");
        foreach (var run in runs)
        {
            var duration = run.EndedAt is { } end ? Format.Duration(end - run.StartedAt) : "-";
            table.AddRow(
                run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Markup.Escape(run.Pipeline),
                run.LogicalDate.ToString("yyyy-MM-dd", System.Globalization.CultureInfo.InvariantCulture),
                Format.State(run.State.ToString()),
                run.Trigger,
                run.StartedAt.UtcDateTime.ToString("yyyy-MM-dd HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture),
                duration,
                Markup.Escape(Format.Reason(run.Error, 100)));
        }

        Format.Console.Write(table);
    }

    /// <summary>Every task with its whole error, wrapped: the reason a run failed is never cut.</summary>
    private static void PrintTasks(long runId, RunRecord? run, IReadOnlyList<TaskInstanceRecord> tasks)
    {
        if (run is null || tasks.Count == 0)
        {
            throw new SluiceException($"run {runId} does not exist or has no tasks. List runs with 'sluice runs'.");
        }

        Format.Console.MarkupLine($"run {runId} of {Markup.Escape(run.Pipeline)} for {run.LogicalDate:yyyy-MM-dd}: {Format.State(run.State.ToString())}" +
            (run.ProcessId is { } pid ? $" (process {pid} on {Markup.Escape(run.Host ?? "?")})" : string.Empty));
        if (run.Error is { } error)
        {
            Format.Console.WriteLine(error);
        }

        var table = new Table().AddColumns("task", "state", "try", "rows read", "rows written", "quarantined", "duration", "error");
        foreach (var task in tasks)
        {
            table.AddRow(
                Markup.Escape(task.TaskId),
                Format.State(task.State.ToString()) + (task.Reused ? " (reused)" : string.Empty),
                task.TryNumber.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Format.Count(task.RowsRead),
                Format.Count(task.RowsWritten),
                Format.Count(task.RowsQuarantined),
                task.Duration is { } d ? Format.Duration(d) : "-",
                Markup.Escape(task.Error ?? string.Empty));
        }

        Format.Console.Write(table);
    }

    /// <summary>The metrics the run found outside their usual range (docs/anomalies.md).</summary>
    private static void PrintAnomalies(IReadOnlyList<RunEvent> anomalies)
    {
        foreach (var e in anomalies)
        {
            var metric = e.Text("dataset") is { } dataset ? $"{dataset}.{e.Text("metric")}" : e.Text("metric");
            Format.Console.MarkupLine(Markup.Escape(
                $"anomaly ({e.Text("severity") ?? "warning"}): metric '{metric}' is {e.Text("value")}; expected {e.Text("low")} to {e.Text("high")} from {e.Text("history")} earlier intervals ({e.Text("method")})"));
        }
    }

    /// <summary>Deliveries looked at for the failure line under the run list.</summary>
    private const int RecentDeliveries = 200;

    /// <summary>An alert that never reached its channel is said where people look first, not only in `sluice alerts`.</summary>
    private static void PrintFailedDeliveries(IReadOnlyList<Alerts.AlertDelivery> deliveries)
    {
        var failed = deliveries.Where(d => d.Status == "failed").ToList();
        if (failed.Count == 0)
        {
            return;
        }

        var latest = failed[^1];
        Format.Console.MarkupLine("[yellow]" + Markup.Escape(
            $"warning: {failed.Count} of the last {deliveries.Count} alert deliveries failed; latest: channel '{latest.Channel}' for {latest.Incident} at {latest.At.UtcDateTime:yyyy-MM-dd HH:mm} UTC: {latest.Error ?? "no error text"}. See sluice alerts.") + "[/]");
    }
}
