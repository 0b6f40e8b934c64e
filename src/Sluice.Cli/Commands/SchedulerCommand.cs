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
        var queue = new Option<bool>("--queue") { Description = "Send each run's tasks to the task queue for `sluice worker` processes instead of running them in this process." };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("scheduler", "Run pipelines on their cron schedules until stopped: catch-up, max_active_runs, SLA events; Ctrl+C stops.") { pipelines, tick, metricsPort, metricsHost, queue, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var every = Connectors.OptionParsing.ParseDuration(parse.GetValue(tick)) ?? throw new SluiceException($"--tick '{parse.GetValue(tick)}' is not a duration such as 5s or 1m.");
            var port = parse.GetValue(metricsPort) ?? MetricsPortFromEnvironment();
            if (port is < 1 or > 65535)
            {
                throw new SluiceException($"--metrics-port {port} is not a TCP port (1-65535).");
            }

            var state = SluiceHost.StateDirectory(parse.GetValue(stateDir));
            var builder = Host.CreateApplicationBuilder();
            builder.Services.AddSingleton(SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), state));
            // Ctrl+C and SIGTERM are the CLI's (Interrupts): one press stops the host through the token.
            builder.Services.AddSingleton<IHostLifetime, SignalFreeLifetime>();
            builder.Services
                .AddSluice(b => b.AddBuiltInConnectors(), o =>
                {
                    o.StateDirectory = state;
                    o.PipelinesPath = parse.GetValue(pipelines);
                    o.SchedulerTick = every;
                    o.SchedulerQueued = parse.GetValue(queue);
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
}
