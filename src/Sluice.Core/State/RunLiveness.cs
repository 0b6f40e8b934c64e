using System.Diagnostics;
using System.Text.Json.Nodes;
using Sluice.Events;

namespace Sluice.State;

/// <summary>
/// Tells a live run from one whose process died. On the run's own host the process itself is checked
/// (gone, or its pid now belongs to a process started after the run: dead); from another host, a
/// heartbeat older than <see cref="StaleAfter"/> is. Both metadata stores apply the same rule.
/// </summary>
public static class RunLiveness
{
    public static readonly TimeSpan StaleAfter = TimeSpan.FromSeconds(30);

    public static string HostName { get; } = Environment.MachineName;

    public static bool IsAbandoned(RunRecord run, DateTimeOffset now)
    {
        if (run.State != RunState.Running)
        {
            return false;
        }

        if (run.Host == HostName && run.ProcessId is { } pid)
        {
            return !ProcessIsAlive(pid, run.StartedAt);
        }

        return (run.HeartbeatAt ?? run.StartedAt) < now - StaleAfter;
    }

    /// <summary>The error recorded on an abandoned run.</summary>
    public static string Reason(RunRecord run) =>
        $"abandoned: process {run.ProcessId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "?"} on {run.Host ?? "?"} stopped without finishing the run (killed, crashed or its machine stopped); tasks that had succeeded are kept, rerun with --resume to finish it";

    /// <summary>The event both stores append when they mark a run abandoned.</summary>
    public static RunEvent AbandonedEvent(RunRecord run, string reason, DateTimeOffset now) => new()
    {
        Timestamp = now,
        Type = EventTypes.RunFinished,
        Pipeline = run.Pipeline,
        RunId = run.Id,
        LogicalDate = run.LogicalDate,
        Payload = new JsonObject { ["state"] = StateNames.Of(RunState.Abandoned), ["error"] = reason },
    };

    /// <summary>Whether a process of this host with that id is running (and, given a start bound, started by then).</summary>
    public static bool ProcessIsAlive(int pid, DateTimeOffset? startedBy = null)
    {
        if (pid == Environment.ProcessId)
        {
            return true;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            // A pid reused by a process that started after the run is not the run's process.
            return !process.HasExited && (startedBy is not { } bound || process.StartTime.ToUniversalTime() <= bound.UtcDateTime.AddSeconds(5));
        }
        catch (ArgumentException)
        {
            return false;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }
}
