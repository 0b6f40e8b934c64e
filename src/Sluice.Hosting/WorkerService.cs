using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sluice.Engine.DuckDb;
using Sluice.Queue;

namespace Sluice.Hosting;

/// <summary>
/// A worker as a hosted service: claims queued task instances of the state folder's runs and runs
/// them (see <see cref="TaskWorker"/>). On stop it stops claiming, lets what it holds finish within
/// <see cref="WorkerOptions.ShutdownGrace"/>, hands back the rest, and returns.
/// </summary>
internal sealed class WorkerService(SluiceInstance instance, ILogger<WorkerService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var options = instance.Options.Worker;
        await using var store = await instance.OpenStoreAsync(stoppingToken);
        var queue = store as Queue.ITaskQueue
            ?? throw new SluiceException($"the metadata store ({instance.Metadata.Description}) has no task queue; workers need the SQLite state folder or a PostgreSQL metadata store (see docs/workers.md).");
        var worker = new TaskWorker(
            instance.Catalog, store, queue, instance.StateDirectory, options, new DuckDbDatasetInspector(), instance.Time,
            report: message => logger.LogWarning("{Message}", message));
        logger.LogInformation("worker {Name} taking up to {Concurrency} task(s) at once from {Metadata}", options.Name, options.Concurrency, instance.Metadata.Description);
        await worker.RunAsync(stoppingToken);
        logger.LogInformation("worker {Name} stopped after {Completed} task attempt(s)", options.Name, worker.Completed);
    }
}
