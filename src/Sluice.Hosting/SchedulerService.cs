using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sluice.Observability;
using Sluice.Events;
using Sluice.State;

namespace Sluice.Hosting;

/// <summary>
/// The scheduler as a hosted service: every tick, reload the pipeline folder and start the intervals
/// that are due. While the metadata store cannot be opened it waits with backoff and says so once;
/// a pass that fails (the database went away) is tried again at the next tick, also said once.
/// On stop it stops starting runs and cancels those in progress, which record themselves as cancelled.
/// </summary>
internal sealed class SchedulerService(SluiceInstance instance, ILogger<SchedulerService> logger, RunMetrics? metrics = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = instance.Options.PipelinesPath ?? ".";
        await using var store = await OpenWithBackoffAsync(stoppingToken);
        var events = instance.Events(EventLogs.Of(store));
        var folder = new PipelineFolder(path, instance.Catalog, events, instance.Time, message => logger.LogError("{Message}", message));
        var scheduler = new PipelineScheduler(store, events, instance.CreateRunner(store), instance.Time) { Queued = instance.Options.SchedulerQueued };
        var freshness = new FreshnessSeed(store, metrics);
        logger.LogInformation("scheduler serving {Path}, state in {State}, run history in {Metadata}", Path.GetFullPath(path), instance.StateDirectory, instance.Metadata.Description);
        using var timer = new PeriodicTimer(instance.Options.SchedulerTick, instance.Time);
        try
        {
            var failing = false;
            do
            {
                try
                {
                    var pipelines = await folder.LoadAsync(stoppingToken);
                    await freshness.SeedAsync(pipelines, stoppingToken);
                    foreach (var run in await scheduler.TickAsync(pipelines, stoppingToken))
                    {
                        logger.LogInformation("started run {Id} of {Pipeline} for {Date:yyyy-MM-dd}", run.Id, run.Pipeline, run.LogicalDate);
                    }

                    if (failing)
                    {
                        logger.LogInformation("scheduler passes work again");
                        failing = false;
                    }
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    // A database that went away (restart, failover, network) must not stop the scheduler:
                    // the claim is transactional, so the next tick simply tries again. Said once per outage.
                    if (!failing)
                    {
                        logger.LogWarning("a scheduler pass failed ({Error}); trying again every tick until it works", e.Message);
                        failing = true;
                    }
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(scheduler.Running.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    /// <summary>Opens the store, waiting 1 s, 2 s, 4 s... (at most a minute) between tries; the first failure is logged, not each.</summary>
    private async Task<IMetadataStore> OpenWithBackoffAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        var said = false;
        while (true)
        {
            try
            {
                var store = await instance.OpenStoreAsync(stoppingToken);
                if (said)
                {
                    logger.LogInformation("the metadata store answers again ({Metadata})", instance.Metadata.Description);
                }

                return store;
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (!said)
                {
                    logger.LogWarning("cannot open the metadata store ({Error}); retrying with backoff until it answers", e.Message);
                    said = true;
                }

                await Task.Delay(delay, instance.Time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }
}
