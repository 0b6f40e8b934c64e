using Sluice.Alerts;
using Sluice.Alerts.Configuration;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Cli;

/// <summary>
/// After `sluice run` or `backfill`, sends the alerts the runs' events call for, through the channels
/// of the project's alerts.yaml. Bounded by the file's delivery limit; a channel that is down is
/// reported on stderr and never changes the command's outcome.
/// </summary>
internal static class AlertDispatch
{
    /// <summary>Sends what is due; false when the project has no alerts.yaml, so nothing was sent.</summary>
    public static async Task<bool> FlushAsync(PipelineDefinition pipeline, string stateDirectory, CancellationToken cancellationToken)
    {
        if (AlertsFile.FindFile(pipeline.BaseDirectory) is not { } file)
        {
            return false;
        }

        await using var store = await SluiceHost.OpenStoreAsync(stateDirectory, cancellationToken);
        using var router = AlertRouter.Create(file, SecretsFile.Lookup(pipeline.SecretsFile), new SecretMasker(), SluiceHost.Instance(stateDirectory).Events(store), TimeProvider.System, line => Console.Error.WriteLine($"warning: {line}"));
        var result = await router.FlushAsync(cancellationToken);
        if (result.Failures.Count > 0)
        {
            Console.Error.WriteLine($"warning: {result.Failures.Count} alert delivery(ies) failed; see 'sluice alerts'.");
        }

        return true;
    }
}
