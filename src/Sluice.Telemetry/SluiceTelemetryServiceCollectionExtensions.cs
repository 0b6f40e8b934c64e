using Microsoft.Extensions.DependencyInjection;

namespace Sluice.Telemetry;

public static class SluiceTelemetryServiceCollectionExtensions
{
    /// <summary>
    /// Exports Sluice's metrics while the host runs: over OTLP when an endpoint is set here or in
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c>, and on a Prometheus scrape endpoint when a port is set.
    /// Use with <c>AddSluice(...)</c>, which adds the instruments. A host that already configures
    /// OpenTelemetry can skip this and call <c>AddMeter("Sluice")</c> on its own meter provider.
    /// </summary>
    public static IServiceCollection AddSluiceTelemetry(this IServiceCollection services, Action<SluiceTelemetryOptions>? configure = null)
    {
        services.AddOptions<SluiceTelemetryOptions>().Configure(o => configure?.Invoke(o));
        services.AddHostedService<TelemetryService>();
        return services;
    }
}
