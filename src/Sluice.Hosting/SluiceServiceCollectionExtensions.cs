using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Sluice.Connectors;
using Sluice.Events;
using Sluice.Observability;

namespace Sluice.Hosting;

public static class SluiceServiceCollectionExtensions
{
    /// <summary>
    /// Adds Sluice to a service collection: the connectors the callback registers
    /// (<c>b => b.AddFiles().AddPostgres()</c>), <see cref="SluiceOptions"/>, a <see cref="TimeProvider"/>
    /// (the system clock unless one is already registered), the <see cref="SluiceInstance"/> facade, and
    /// <see cref="RunMetrics"/>, the "Sluice" meter's instruments fed by the host's events (exported only
    /// when something listens: <c>AddSluiceTelemetry()</c> or any OpenTelemetry setup with <c>AddMeter("Sluice")</c>).
    /// </summary>
    public static IServiceCollection AddSluice(this IServiceCollection services, Action<ISluiceBuilder> connectors, Action<SluiceOptions>? configure = null)
    {
        var builder = new ServiceSluiceBuilder(services);
        connectors(builder);
        services.AddSingleton(builder.Connectors);
        services.TryAddSingleton(TimeProvider.System);
        services.AddOptions<SluiceOptions>().Configure(o => configure?.Invoke(o));
        services.TryAddSingleton(sp => new RunMetrics(sp.GetRequiredService<TimeProvider>(), sp.GetService<IMeterFactory>()));
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IRunEventListener, RunMetrics>(sp => sp.GetRequiredService<RunMetrics>()));
        services.TryAddSingleton<SluiceInstance>();
        return services;
    }

    /// <summary>Adds the scheduler as a hosted service: it runs due intervals of the pipelines in <see cref="SluiceOptions.PipelinesPath"/>.</summary>
    public static IServiceCollection AddSluiceScheduler(this IServiceCollection services)
    {
        services.AddHostedService<SchedulerService>();
        return services;
    }

    private sealed class ServiceSluiceBuilder(IServiceCollection services) : ISluiceBuilder
    {
        public IServiceCollection Services { get; } = services;

        public ConnectorCatalog Connectors { get; } = new();
    }
}
