using Sluice.Reporting;

namespace Sluice.Cli;

/// <summary>
/// Rewrites runs' JSON reports once the command has sent their alerts, so the reports list them too
/// (a run writes its report as it ends, before any alert goes out), and copies one where --report asks.
/// </summary>
internal static class RunReports
{
    public static async Task RefreshAsync(string stateDirectory, IEnumerable<long> runIds, string? copyTo, CancellationToken cancellationToken)
    {
        await using var store = await SluiceHost.OpenStoreAsync(stateDirectory, cancellationToken);
        foreach (var runId in runIds)
        {
            if (await RunReport.LoadAsync(store, store, runId, cancellationToken) is not { } report || await store.GetRunAsync(runId, cancellationToken) is not { } run)
            {
                continue;
            }

            await RunReport.WriteAsync(report, RunReport.DefaultPath(stateDirectory, run), cancellationToken);
            if (copyTo is not null)
            {
                await RunReport.WriteAsync(report, Path.GetFullPath(copyTo), cancellationToken);
            }
        }
    }
}
