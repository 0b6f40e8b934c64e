namespace Sluice.Execution;

/// <summary>Reads the schema of a staged dataset, so declared dataset contracts can be enforced.</summary>
public interface IDatasetInspector
{
    /// <summary>
    /// The columns of a staged dataset, its rows and the NULLs of every column: one engine session and
    /// one scan per dataset, since a run inspects every dataset it writes.
    /// </summary>
    Task<DatasetProfile> InspectAsync(string stagedPath, CancellationToken cancellationToken);
}
