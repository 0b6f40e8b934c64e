using Sluice.Alerts;
using Sluice.Alerts.Configuration;
using Sluice.Events;
using Sluice.Model;
using Sluice.State;
using Sluice.Templating;

namespace Sluice.Cli;

/// <summary>
/// After `sluice run` or `backfill`, sends the alerts the runs' events call for, through the channels
/// of the project's alerts.yaml. Bounded by the file's delivery limit; a channel that is down is
/// reported on stderr and never changes the command's outcome.
/// </summary>
internal static class AlertDispatch
{
    public static async Task FlushAsync(PipelineDefinition pipeline, IMetadataStoreProvider metadata, CancellationToken cancellationToken)
    {
        if (AlertsFile.FindFile(pipeline.BaseDirectory) is not { } file)
        {
            return;
        }

        await using var store = await SluiceHost.OpenStoreAsync(metadata, cancellationToken);
        using var router = AlertRouter.Create(file, SecretsFile.Lookup(pipeline.SecretsFile), new SecretMasker(), EventLogs.Of(store), TimeProvider.System, line => Console.Error.WriteLine($"warning: {line}"));
        var result = await router.FlushAsync(cancellationToken);
        if (result.Failures.Count > 0)
        {
            Console.Error.WriteLine($"warning: {result.Failures.Count} alert delivery(ies) failed; see 'sluice alerts'.");
        }
    }
}
