using System.Diagnostics;
using System.Globalization;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Exporter;
using Sluice.Connectors.All;
using Sluice.Execution;
using Sluice.Hosting;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.Telemetry;

namespace Sluice.IntegrationTests;

/// <summary>
/// Sluice's metrics leave the process: scraped from the Prometheus endpoint of an in-process host and of a
/// running `sluice scheduler`, and pushed over OTLP (http/protobuf) to a collector on loopback, by a host
/// configured in code and by a short `sluice run` configured by the standard variables.
/// </summary>
public sealed class MetricsExportTests : IDisposable
{
    // Two good rows; lines 3 and 4 are malformed and go to quarantine.
    private const string Csv = "id,name\n1,a\n2\n3,c,extra\n4,d\n";

    private readonly TestProject _project = new();
    private readonly WebhookReceiver _collector = new();
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(10) };

    public void Dispose()
    {
        _http.Dispose();
        _collector.Dispose();
        _project.Dispose();
    }

    private void WritePipeline(string name, string header = "")
    {
        _project.Write("in.csv", Csv);
        _project.Write($"{name}.yaml", $$"""
            name: {{name}}
            {{header}}
            tasks:
              extract:
                source: files
                output: raw
                on_bad_rows: quarantine
                with: { path: in.csv, columns: { id: INTEGER, name: VARCHAR } }
              load: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: t_{{name}}, mode: replace } }
            """);
    }

    /// <summary>The sample lines of a scrape for one metric whose labels include every one given.</summary>
    private static List<string> Samples(string scrape, string metric, params string[] labels) =>
        scrape.Split('\n')
            .Where(l => l.StartsWith(metric + "{", StringComparison.Ordinal) && labels.All(label => l.Contains(label, StringComparison.Ordinal)))
            .ToList();

    /// <summary>The value of the one sample of a metric with those labels.</summary>
    private static double Value(string scrape, string metric, params string[] labels)
    {
        var sample = Assert.Single(Samples(scrape, metric, labels));
        return double.Parse(sample[(sample.IndexOf('}', StringComparison.Ordinal) + 1)..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
    }

    [Fact]
    public async Task The_prometheus_endpoint_of_an_in_process_host_shows_a_runs_counters_with_their_labels()
    {
        WritePipeline("prom_host");
        var port = LoopbackPort.Free();
        var services = new ServiceCollection()
            .AddSluice(b => b.AddBuiltInConnectors(), o => o.StateDirectory = _project.StateDirectory)
            .AddSluiceTelemetry(o => o.PrometheusPort = port);
        await using var provider = services.BuildServiceProvider();
        var hosted = provider.GetServices<IHostedService>().ToList();
        foreach (var service in hosted)
        {
            await service.StartAsync(CancellationToken.None);
        }

        var instance = provider.GetRequiredService<SluiceInstance>();
        await using (var store = await instance.OpenStoreAsync(CancellationToken.None))
        {
            var result = await instance.CreateRunner(store).RunAsync(_project.Load("prom_host.yaml"), new RunRequest { LogicalDate = new DateOnly(2024, 3, 1) });
            Assert.True(result.Succeeded, result.Run.Error);
        }

        var scrape = await _http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
        foreach (var service in hosted)
        {
            await service.StopAsync(CancellationToken.None);
        }

        Assert.Equal(1, Value(scrape, "sluice_runs_total", "pipeline=\"prom_host\"", "state=\"success\""));
        Assert.Equal(1, Value(scrape, "sluice_tasks_total", "pipeline=\"prom_host\"", "task=\"extract\"", "state=\"success\""));
        Assert.Equal(1, Value(scrape, "sluice_tasks_total", "pipeline=\"prom_host\"", "task=\"load\"", "state=\"success\""));
        Assert.Equal(2, Value(scrape, "sluice_rows_total", "pipeline=\"prom_host\"", "dataset=\"raw\"", "kind=\"extracted\""));
        Assert.Equal(2, Value(scrape, "sluice_rows_total", "pipeline=\"prom_host\"", "dataset=\"raw\"", "kind=\"loaded\""));
        Assert.Equal(2, Value(scrape, "sluice_rows_total", "pipeline=\"prom_host\"", "dataset=\"raw_quarantine\"", "kind=\"quarantined\""));
        Assert.Equal(1, Value(scrape, "sluice_run_duration_seconds_count", "pipeline=\"prom_host\"", "state=\"success\""));
        Assert.Equal(2, Samples(scrape, "sluice_task_duration_seconds_count", "pipeline=\"prom_host\"").Count);
        // Buckets in seconds, not the exporter's default ones for milliseconds.
        Assert.Single(Samples(scrape, "sluice_run_duration_seconds_bucket", "pipeline=\"prom_host\"", "le=\"0.1\""));
        Assert.Single(Samples(scrape, "sluice_run_duration_seconds_bucket", "pipeline=\"prom_host\"", "le=\"21600\""));
        // The interval of 2024-03-01 ended at midnight UTC on the 2nd: the lag is at least that long ago.
        var lag = Value(scrape, "sluice_freshness_lag_seconds", "pipeline=\"prom_host\"");
        Assert.InRange(lag, (DateTimeOffset.UtcNow - new DateTimeOffset(2024, 3, 2, 0, 0, 0, TimeSpan.Zero)).TotalSeconds - 600, double.MaxValue);
    }

    [Fact]
    public async Task A_running_scheduler_serves_its_metrics_on_loopback()
    {
        var start = DateOnly.FromDateTime(DateTime.UtcNow).AddDays(-2).ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
        WritePipeline("prom_scheduled", $"schedule: \"0 0 * * *\"\nstart_date: {start}");
        var port = LoopbackPort.Free();
        using var scheduler = CliProcess.Start(_project.Root, null, "scheduler", "--pipelines", "prom_scheduled.yaml", "--tick", "1s", "--metrics-port", port.ToString(CultureInfo.InvariantCulture));
        var output = scheduler.StandardOutput.ReadToEndAsync();
        var error = scheduler.StandardError.ReadToEndAsync();
        string scrape = string.Empty;
        try
        {
            var waited = Stopwatch.StartNew();
            while (waited.Elapsed < TimeSpan.FromSeconds(90) && !scheduler.HasExited)
            {
                try
                {
                    scrape = await _http.GetStringAsync($"http://127.0.0.1:{port}/metrics");
                    if (Samples(scrape, "sluice_runs_total", "pipeline=\"prom_scheduled\"", "state=\"success\"").Count == 1
                        && Value(scrape, "sluice_runs_total", "pipeline=\"prom_scheduled\"", "state=\"success\"") >= 2)
                    {
                        break;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(250);
            }
        }
        finally
        {
            if (!scheduler.HasExited)
            {
                scheduler.Kill(entireProcessTree: true);
            }

            await scheduler.WaitForExitAsync();
        }

        var said = await output + await error;
        // Two intervals were due (the last two days): both ran and succeeded, each extracting and loading two rows.
        Assert.True(Samples(scrape, "sluice_runs_total", "pipeline=\"prom_scheduled\"").Count > 0, $"no run counted; scrape:\n{scrape}\nscheduler:\n{said}");
        Assert.Equal(2, Value(scrape, "sluice_runs_total", "pipeline=\"prom_scheduled\"", "state=\"success\""));
        Assert.Equal(2, Value(scrape, "sluice_tasks_total", "pipeline=\"prom_scheduled\"", "task=\"load\"", "state=\"success\""));
        Assert.Equal(4, Value(scrape, "sluice_rows_total", "pipeline=\"prom_scheduled\"", "kind=\"extracted\""));
        Assert.Equal(4, Value(scrape, "sluice_rows_total", "pipeline=\"prom_scheduled\"", "kind=\"quarantined\""));
        // Its latest interval ended at midnight UTC today.
        Assert.InRange(Value(scrape, "sluice_freshness_lag_seconds", "pipeline=\"prom_scheduled\""), 0, 86_400);
    }

    [Fact]
    public async Task A_taken_metrics_port_stops_the_scheduler_with_one_clear_error()
    {
        WritePipeline("prom_busy", "schedule: \"0 0 * * *\"\nstart_date: 2024-03-01\ncatchup: false");
        using var taken = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        taken.Start();
        var port = ((System.Net.IPEndPoint)taken.LocalEndpoint).Port;

        var scheduler = await CliProcess.RunAsync(_project.Root, null, "scheduler", "--pipelines", "prom_busy.yaml", "--metrics-port", port.ToString(CultureInfo.InvariantCulture));

        Assert.Equal(1, scheduler.ExitCode);
        Assert.Contains($"error: cannot serve metrics at http://127.0.0.1:{port}/metrics", scheduler.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", scheduler.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_host_configured_in_code_pushes_its_metrics_over_otlp_http()
    {
        WritePipeline("otlp_host");
        // An interval far longer than the run: the one push is the flush when the provider is disposed.
        var options = new SluiceTelemetryOptions { OtlpEndpoint = new Uri($"http://127.0.0.1:{_collector.Port}"), OtlpProtocol = OtlpExportProtocol.HttpProtobuf, ExportInterval = TimeSpan.FromMinutes(10) };
        using (SluiceTelemetry.Start(options))
        {
            var result = await _project.RunAsync("otlp_host.yaml", "2024-03-01");
            Assert.True(result.Succeeded, result.Run.Error);
        }

        var request = Assert.Single(_collector.Requests, r => r.Holds("otlp_host"));
        Assert.Equal("/v1/metrics", request.Path);
        Assert.Equal("application/x-protobuf", request.ContentType);
        foreach (var name in new[] { "sluice.runs", "sluice.tasks", "sluice.rows", "sluice.run.duration", "sluice.task.duration", "sluice.freshness.lag" })
        {
            Assert.True(request.Holds(name), $"{name} is not in the OTLP request");
        }
    }

    [Fact]
    public async Task A_short_sluice_run_flushes_its_metrics_over_otlp_at_exit()
    {
        WritePipeline("otlp_cli");
        var environment = new Dictionary<string, string>
        {
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{_collector.Port}",
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
            // Far longer than the run: only the flush at exit can send them.
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "600000",
        };

        var run = await CliProcess.RunAsync(_project.Root, environment, "run", "otlp_cli.yaml", "--date", "2024-03-01");

        Assert.True(run.ExitCode == 0, run.All);
        var request = Assert.Single(_collector.Requests);
        Assert.Equal("/v1/metrics", request.Path);
        Assert.Equal("application/x-protobuf", request.ContentType);
        Assert.True(request.Holds("otlp_cli"), "the pipeline label is not in the OTLP request");
        foreach (var name in new[] { "sluice.runs", "sluice.tasks", "sluice.rows", "extracted", "quarantined" })
        {
            Assert.True(request.Holds(name), $"{name} is not in the OTLP request");
        }
    }
}
