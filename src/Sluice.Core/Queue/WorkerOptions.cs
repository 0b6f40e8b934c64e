namespace Sluice.Queue;

/// <summary>How a <see cref="TaskWorker"/> claims, holds and gives back task instances.</summary>
public sealed record WorkerOptions
{
    /// <summary>Shown in task events and leases; unique per worker (default: host and process id).</summary>
    public string Name { get; init; } = $"{Environment.MachineName}:{Environment.ProcessId}";

    /// <summary>Most task instances held at once.</summary>
    public int Concurrency { get; init; } = 1;

    /// <summary>How long a claim lasts without a heartbeat; a worker silent this long is taken as lost.</summary>
    public TimeSpan Lease { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>How often a held lease is renewed; well under <see cref="Lease"/> so one missed beat is harmless.</summary>
    public TimeSpan Heartbeat { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>How often an idle worker looks for work and for expired leases of other workers.</summary>
    public TimeSpan Poll { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>On stop, how long attempts in progress may take to finish before they are handed back.</summary>
    public TimeSpan ShutdownGrace { get; init; } = TimeSpan.FromSeconds(30);
}
