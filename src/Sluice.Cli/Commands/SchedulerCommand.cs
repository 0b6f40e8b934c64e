using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sluice.Connectors.All;
using Sluice.Hosting;
using Sluice.Telemetry;

namespace Sluice.Cli.Commands;

internal static class SchedulerCommand
{
    public static Command Create()
    {
        var pipelines = new Option<string>("--pipelines") { Description = "Folder (searched recursively) or file of pipelines to schedule.", DefaultValueFactory = _ => "." };
        var tick = new Option<string>("--tick") { Description = "How often to look for due intervals, e.g. 5s.", DefaultValueFactory = _ => "5s" };
        var metricsPort = new Option<int?>("--metrics-port") { Description = "Serve Prometheus metrics at http://<metrics-host>:<port>/metrics (default: SLUICE_METRICS_PORT; off when neither is set)." };
        var metricsHost = new Option<string>("--metrics-host") { Description = "Address the metrics endpoint binds; '*' for every interface.", DefaultValueFactory = _ => "127.0.0.1" };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("scheduler", "Run pipelines on their cron schedules until stopped: catch-up, max_active_runs, SLA events; Ctrl+C stops.") { pipelines, tick, metricsPort, metricsHost, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var every = Connectors.OptionParsing.ParseDuration(parse.GetValue(tick)) ?? throw new SluiceException($"--tick '{parse.GetValue(tick)}' is not a duration such as 5s or 1m.");
            var port = parse.GetValue(metricsPort) ?? MetricsPortFromEnvironment();
            if (port is < 1 or > 65535)
            {
                throw new SluiceException($"--metrics-port {port} is not a TCP port (1-65535).");
            }

            var builder = Host.CreateApplicationBuilder();
            // Ctrl+C and SIGTERM are the CLI's (Interrupts): one press stops the host through the token.
            builder.Services.AddSingleton<IHostLifetime, SignalFreeLifetime>();
            builder.Services
                .AddSluice(b => b.AddBuiltInConnectors(), o =>
                {
                    o.StateDirectory = SluiceHost.StateDirectory(parse.GetValue(stateDir));
                    o.PipelinesPath = parse.GetValue(pipelines);
                    o.SchedulerTick = every;
                })
                .AddSluiceScheduler()
                .AddHostedService<AlertsService>();
            // Started before the host (not with AddSluiceTelemetry) so a taken port is one clear error, not a host start failure with a stack trace.
            using var telemetry = SluiceTelemetry.Start(new SluiceTelemetryOptions { PrometheusPort = port, PrometheusHost = parse.GetValue(metricsHost)! });
            using var host = builder.Build();
            await host.RunAsync(cancellationToken);
            return 0;
        }));
        return command;
    }

    private static int? MetricsPortFromEnvironment()
    {
        var text = Environment.GetEnvironmentVariable("SLUICE_METRICS_PORT");
        if (string.IsNullOrWhiteSpace(text))
        {
            return null;
        }

        return int.TryParse(text, System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new SluiceException($"SLUICE_METRICS_PORT '{text}' is not a TCP port (1-65535).");
    }

    /// <summary>A host lifetime that leaves signals alone, so they are handled once, by <see cref="Interrupts"/>.</summary>
    private sealed class SignalFreeLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
