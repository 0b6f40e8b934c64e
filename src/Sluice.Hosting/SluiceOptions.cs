namespace Sluice.Hosting;

/// <summary>Where a host keeps its state, and how its long-running services behave.</summary>
public sealed class SluiceOptions
{
    /// <summary>The state folder: run history (sluice.db) and staged datasets. Default: ./.sluice.</summary>
    public string StateDirectory { get; set; } = ".sluice";

    /// <summary>Folder (or file) of pipelines the scheduler serves.</summary>
    public string? PipelinesPath { get; set; }

    /// <summary>How often the scheduler looks for due intervals and reloads changed pipeline files.</summary>
    public TimeSpan SchedulerTick { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// When set, the scheduler sends each run's tasks to the task queue for workers (<c>sluice worker</c>)
    /// instead of running them in its own process; it then only coordinates.
    /// </summary>
    public bool SchedulerQueued { get; set; }

    /// <summary>How a worker added with <c>AddSluiceWorker()</c> claims and holds task instances.</summary>
    public Queue.WorkerOptions Worker { get; set; } = new();
}
