using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Sluice.Alerts;
using Sluice.Alerts.Configuration;
using Sluice.Hosting;
using Sluice.Templating;

namespace Sluice.Cli;

/// <summary>Beside the scheduler: the alert router reading the event log every few seconds, when the project has an alerts.yaml.</summary>
internal sealed class AlertsService(SluiceInstance instance, ILogger<AlertsService> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var folder = instance.Options.PipelinesPath is { } path && File.Exists(path) ? Path.GetDirectoryName(Path.GetFullPath(path))! : Path.GetFullPath(instance.Options.PipelinesPath ?? ".");
        if (AlertsFile.FindFile(folder) is not { } file)
        {
            logger.LogInformation("no alerts.yaml in {Folder}: alerts are off", folder);
            return;
        }

        await using var store = await instance.OpenStoreAsync(stoppingToken);
        using var router = AlertRouter.Create(file, SecretsFile.Lookup(Path.Combine(folder, "secrets.env")), new SecretMasker(), instance.Events(store), instance.Time, line => logger.LogWarning("{Line}", line));
        logger.LogInformation("alerts from {File}", file);
        await router.RunAsync(TimeSpan.FromSeconds(10), stoppingToken);
    }
}
