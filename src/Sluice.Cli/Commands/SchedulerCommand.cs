using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sluice.Connectors.All;
using Sluice.Hosting;

namespace Sluice.Cli.Commands;

internal static class SchedulerCommand
{
    public static Command Create()
    {
        var pipelines = new Option<string>("--pipelines") { Description = "Folder (searched recursively) or file of pipelines to schedule.", DefaultValueFactory = _ => "." };
        var tick = new Option<string>("--tick") { Description = "How often to look for due intervals, e.g. 5s.", DefaultValueFactory = _ => "5s" };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("scheduler", "Run pipelines on their cron schedules until stopped: catch-up, max_active_runs, SLA events; Ctrl+C stops.") { pipelines, tick, stateDir };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var every = Connectors.OptionParsing.ParseDuration(parse.GetValue(tick)) ?? throw new SluiceException($"--tick '{parse.GetValue(tick)}' is not a duration such as 5s or 1m.");
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
            using var host = builder.Build();
            await host.RunAsync(cancellationToken);
            return 0;
        }));
        return command;
    }

}
