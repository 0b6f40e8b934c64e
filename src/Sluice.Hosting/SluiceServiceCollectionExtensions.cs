using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sluice.Connectors;

namespace Sluice.Hosting;

public static class SluiceServiceCollectionExtensions
{
    /// <summary>
    /// Adds Sluice to a service collection: the connectors the callback registers
    /// (<c>b => b.AddFiles().AddPostgres()</c>), <see cref="SluiceOptions"/>, a <see cref="TimeProvider"/>
    /// (the system clock unless one is already registered) and the <see cref="SluiceInstance"/> facade.
    /// </summary>
    public static IServiceCollection AddSluice(this IServiceCollection services, Action<ISluiceBuilder> connectors, Action<SluiceOptions>? configure = null)
    {
        var builder = new ServiceSluiceBuilder(services);
        connectors(builder);
        services.AddSingleton(builder.Connectors);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SluiceOptions>().Configure(o => configure?.Invoke(o));
        services.TryAddSingleton<SluiceInstance>();
        return services;
    }

    /// <summary>Adds the scheduler as a hosted service: it runs due intervals of the pipelines in <see cref="SluiceOptions.PipelinesPath"/>.</summary>
    public static IServiceCollection AddSluiceScheduler(this IServiceCollection services)
    {
        services.AddHostedService<SchedulerService>();
        return services;
    }

    /// <summary>
    /// Adds a worker as a hosted service: it runs task instances that <c>sluice run --queue</c> (or any
    /// runner given <c>RunRequest.Queued</c>) put in the state folder's queue (<see cref="SluiceOptions.Worker"/>).
    /// </summary>
    public static IServiceCollection AddSluiceWorker(this IServiceCollection services)
    {
        services.AddHostedService<WorkerService>();
        return services;
    }

    private sealed class ServiceSluiceBuilder(IServiceCollection services) : ISluiceBuilder
    {
        public IServiceCollection Services { get; } = services;

        public ConnectorCatalog Connectors { get; } = new();
    }
}
