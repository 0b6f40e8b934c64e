using OpenTelemetry.Exporter;

namespace Sluice.Telemetry;

/// <summary>Where Sluice's metrics go. Nothing is exported unless an OTLP endpoint or a Prometheus port is set.</summary>
public sealed class SluiceTelemetryOptions
{
    /// <summary>
    /// The OTLP collector, e.g. <c>http://127.0.0.1:4318</c>. When null, the standard variables decide:
    /// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> or <c>OTEL_EXPORTER_OTLP_METRICS_ENDPOINT</c>, with
    /// <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, <c>OTEL_EXPORTER_OTLP_HEADERS</c> and <c>OTEL_METRIC_EXPORT_INTERVAL</c>.
    /// </summary>
    public Uri? OtlpEndpoint { get; set; }

    /// <summary>The OTLP protocol for <see cref="OtlpEndpoint"/>; null follows <c>OTEL_EXPORTER_OTLP_PROTOCOL</c>, else gRPC.</summary>
    public OtlpExportProtocol? OtlpProtocol { get; set; }

    /// <summary>How often metrics are pushed over OTLP; null follows <c>OTEL_METRIC_EXPORT_INTERVAL</c>, else 60 s. A host flushes at exit too.</summary>
    public TimeSpan? ExportInterval { get; set; }

    /// <summary>When set, a Prometheus scrape endpoint at <c>http://&lt;host&gt;:&lt;port&gt;/metrics</c>, for long-running hosts.</summary>
    public int? PrometheusPort { get; set; }

    /// <summary>The address the scrape endpoint binds: loopback unless asked otherwise (<c>*</c> for every interface).</summary>
    public string PrometheusHost { get; set; } = "127.0.0.1";

    /// <summary>The <c>service.name</c> resource attribute, unless <c>OTEL_SERVICE_NAME</c> says otherwise.</summary>
    public string ServiceName { get; set; } = "sluice";
}
