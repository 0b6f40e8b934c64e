using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sluice.Observability;

namespace Sluice.Hosting;

/// <summary>
/// The scheduler as a hosted service: every tick, reload the pipeline folder and start the intervals
/// that are due. While the metadata store cannot be opened it waits with backoff and says so once.
/// On stop it stops starting runs and cancels those in progress, which record themselves as cancelled.
/// </summary>
internal sealed class SchedulerService(SluiceInstance instance, ILogger<SchedulerService> logger, RunMetrics? metrics = null) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var path = instance.Options.PipelinesPath ?? ".";
        await using var store = await OpenWithBackoffAsync(stoppingToken);
        var events = instance.Events(store);
        var folder = new PipelineFolder(path, instance.Catalog, events, instance.Time, message => logger.LogError("{Message}", message));
        var scheduler = new PipelineScheduler(store, events, instance.CreateRunner(store), instance.Time);
        var freshness = new FreshnessSeed(store, metrics);
        logger.LogInformation("scheduler serving {Path}, state in {State}", Path.GetFullPath(path), instance.StateDirectory);
        using var timer = new PeriodicTimer(instance.Options.SchedulerTick, instance.Time);
        try
        {
            do
            {
                var pipelines = await folder.LoadAsync(stoppingToken);
                await freshness.SeedAsync(pipelines, stoppingToken);
                foreach (var run in await scheduler.TickAsync(pipelines, stoppingToken))
                {
                    logger.LogInformation("started run {Id} of {Pipeline} for {Date:yyyy-MM-dd}", run.Id, run.Pipeline, run.LogicalDate);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await Task.WhenAll(scheduler.Running.Select(r => r.ContinueWith(_ => { }, TaskScheduler.Default)));
    }

    private async Task<Metadata.Sqlite.SqliteMetadataStore> OpenWithBackoffAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromSeconds(1);
        var said = false;
        while (true)
        {
            try
            {
                return await instance.OpenStoreAsync(stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException)
            {
                if (!said)
                {
                    logger.LogWarning("cannot open the metadata store in {State} ({Error}); retrying with backoff", instance.StateDirectory, e.Message);
                    said = true;
                }

                await Task.Delay(delay, instance.Time, stoppingToken);
                delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, TimeSpan.FromMinutes(1).Ticks));
            }
        }
    }
}
