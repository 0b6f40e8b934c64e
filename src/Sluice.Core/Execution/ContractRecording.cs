using Sluice.Contracts;

namespace Sluice.Execution;

/// <summary>
/// What a task attempt's contract check will record once the attempt succeeds: a new contract
/// version (the first, or evolved) and the observations. Held back until then, so a version never
/// comes from data that was not published.
/// </summary>
internal sealed class ContractRecording(IContractStore? store)
{
    public static readonly ContractRecording None = new(null);

    private readonly List<(ContractVersion Version, int ExpectedCurrent)> _versions = [];
    private readonly List<ContractObservation> _observations = [];

    public void Add(ContractVersion version, int expectedCurrent) => _versions.Add((version, expectedCurrent));

    public void Add(ContractObservation observation) => _observations.Add(observation);

    public async Task SaveAsync(CancellationToken cancellationToken)
    {
        if (store is null)
        {
            return;
        }

        foreach (var (version, expected) in _versions)
        {
            // Null: a run of another interval recorded the same change first; its version stands.
            await store.AddContractVersionAsync(version, expected, cancellationToken);
        }

        foreach (var observation in _observations)
        {
            await store.RecordObservationAsync(observation, cancellationToken);
        }
    }
}
