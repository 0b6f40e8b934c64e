using System.CommandLine;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Sluice.Connectors.All;
using Sluice.Hosting;
using Sluice.Queue;

namespace Sluice.Cli.Commands;

internal static class WorkerCommand
{
    public static Command Create()
    {
        var concurrency = new Option<int>("--concurrency") { Description = "Most task instances to run at once.", DefaultValueFactory = _ => 1 };
        var name = new Option<string?>("--name") { Description = "Worker name shown in task events (default: host:pid); unique per worker." };
        var lease = new Option<string>("--lease") { Description = "How long a claimed task is held without a heartbeat before another worker may take it over.", DefaultValueFactory = _ => "30s" };
        var grace = new Option<string>("--grace") { Description = "On SIGTERM or Ctrl+C, how long running tasks may take to finish before they are handed back.", DefaultValueFactory = _ => "30s" };
        var stateDir = CommonOptions.StateDirectory();
        var command = new Command("worker", "Run queued tasks of runs started with --queue (by `sluice run`, `backfill` or another host) until stopped; SIGTERM finishes or hands back what it holds, then exits 0.")
        {
            concurrency, name, lease, grace, stateDir,
        };
        command.SetAction((parse, cancellationToken) => CommandErrors.GuardAsync(async () =>
        {
            var leaseFor = Duration(parse.GetValue(lease)!, "--lease");
            var graceFor = Duration(parse.GetValue(grace)!, "--grace");
            if (parse.GetValue(concurrency) < 1)
            {
                throw new SluiceException($"--concurrency {parse.GetValue(concurrency)} must be at least 1.");
            }

            var options = new WorkerOptions
            {
                Concurrency = parse.GetValue(concurrency),
                Lease = leaseFor,
                Heartbeat = leaseFor / 3,
                ShutdownGrace = graceFor,
            };
            if (parse.GetValue(name) is { Length: > 0 } given)
            {
                options = options with { Name = given };
            }

            var state = SluiceHost.StateDirectory(parse.GetValue(stateDir));
            var builder = Host.CreateApplicationBuilder();
            // The queue is the metadata store's: --metadata or SLUICE_METADATA (PostgreSQL), else the state folder's sluice.db.
            builder.Services.AddSingleton(SluiceHost.Metadata(parse.GetValue(CommonOptions.Metadata), state));
            builder.Services.AddSingleton<IHostLifetime, SignalFreeLifetime>();
            builder.Services.Configure<HostOptions>(o => o.ShutdownTimeout = graceFor + TimeSpan.FromSeconds(15));
            builder.Services
                .AddSluice(b => b.AddBuiltInConnectors(), o =>
                {
                    o.StateDirectory = state;
                    o.Worker = options;
                })
                .AddSluiceWorker();
            using var host = builder.Build();
            // The signal stops claiming; the host then waits for the worker to finish or hand back its tasks.
            await host.RunAsync(cancellationToken);
            return 0;
        }));
        return command;
    }

    private static TimeSpan Duration(string text, string option) =>
        Connectors.OptionParsing.ParseDuration(text) is { } value && value > TimeSpan.Zero
            ? value
            : throw new SluiceException($"{option} '{text}' is not a duration such as 30s or 2m.");
}
