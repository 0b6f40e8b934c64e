using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using Sluice.Observability;

namespace Sluice.Telemetry;

/// <summary>
/// Starts exporting the "Sluice" meter (<see cref="SluiceInstruments"/>) as configured. Disposing the
/// result flushes what is left to OTLP and closes the scrape endpoint, so a short-lived process loses nothing.
/// </summary>
public static class SluiceTelemetry
{
    /// <summary>
    /// A meter provider exporting Sluice's metrics, or null when <paramref name="options"/> and the
    /// environment configure no exporter (or <c>OTEL_SDK_DISABLED=true</c>).
    /// </summary>
    /// <param name="environment">Reads an environment variable; tests pass their own.</param>
    public static MeterProvider? Start(SluiceTelemetryOptions options, Func<string, string?>? environment = null)
    {
        environment ??= Environment.GetEnvironmentVariable;
        if (string.Equals(environment("OTEL_SDK_DISABLED"), "true", StringComparison.OrdinalIgnoreCase))
        {
            return null;
        }

        var otlp = options.OtlpEndpoint is not null
            || !string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_ENDPOINT"))
            || !string.IsNullOrWhiteSpace(environment("OTEL_EXPORTER_OTLP_METRICS_ENDPOINT"));
        if (!otlp && options.PrometheusPort is null)
        {
            return null;
        }

        var builder = Sdk.CreateMeterProviderBuilder()
            .AddMeter(SluiceInstruments.MeterName)
            .AddView(instrument => instrument.Meter.Name == SluiceInstruments.MeterName && instrument is System.Diagnostics.Metrics.Histogram<double>
                ? new ExplicitBucketHistogramConfiguration { Boundaries = [.. SluiceInstruments.DurationBuckets] }
                : null)
            .ConfigureResource(resource =>
            {
                if (string.IsNullOrWhiteSpace(environment("OTEL_SERVICE_NAME")))
                {
                    resource.AddService(options.ServiceName);
                }
            });
        if (otlp)
        {
            builder.AddOtlpExporter((exporter, reader) => Configure(options, exporter, reader));
        }

        if (options.PrometheusPort is { } port)
        {
            builder.AddPrometheusHttpListener(listener =>
            {
                listener.Port = port;
                if (options.PrometheusHost is "*" or "+")
                {
                    // The exporter takes one host name; a wildcard prefix (every interface) is set on its listener instead.
                    listener.Host = "localhost";
                    listener.ConfigureHttpListener = (_, http) =>
                    {
                        http.Prefixes.Clear();
                        http.Prefixes.Add($"http://+:{port}/");
                    };
                }
                else
                {
                    listener.Host = options.PrometheusHost;
                }
            });
        }

        try
        {
            return builder.Build();
        }
        catch (Exception e) when (options.PrometheusPort is { } busy && e is System.Net.HttpListenerException or InvalidOperationException)
        {
            throw new SluiceException($"cannot serve metrics at http://{options.PrometheusHost}:{busy}/metrics ({e.Message}); choose another --metrics-port or free that one.");
        }
    }

    /// <summary>An endpoint given in code is used as given, except that OTLP over HTTP needs the metrics path the variables would add.</summary>
    private static void Configure(SluiceTelemetryOptions options, OtlpExporterOptions exporter, MetricReaderOptions reader)
    {
        if (options.OtlpProtocol is { } protocol)
        {
            exporter.Protocol = protocol;
        }

        if (options.OtlpEndpoint is { } endpoint)
        {
            exporter.Endpoint = exporter.Protocol == OtlpExportProtocol.HttpProtobuf && endpoint.AbsolutePath is "" or "/"
                ? new Uri(endpoint, "v1/metrics")
                : endpoint;
        }

        if (options.ExportInterval is { } interval)
        {
            reader.PeriodicExportingMetricReaderOptions.ExportIntervalMilliseconds = (int)Math.Max(1, interval.TotalMilliseconds);
        }
    }
}
