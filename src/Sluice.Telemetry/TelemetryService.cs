using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenTelemetry.Metrics;

namespace Sluice.Telemetry;

/// <summary>Exports for as long as the host runs; on stop, flushes OTLP and closes the scrape endpoint.</summary>
internal sealed class TelemetryService(IOptions<SluiceTelemetryOptions> options) : IHostedService, IDisposable
{
    private MeterProvider? _provider;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        _provider = SluiceTelemetry.Start(options.Value);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        _provider?.Dispose();
        _provider = null;
    }
}
