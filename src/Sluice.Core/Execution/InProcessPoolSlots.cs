using Sluice.State;

namespace Sluice.Execution;

/// <summary>Pool slots for stores that cannot share them between processes: enforced within this process only.</summary>
internal sealed class InProcessPoolSlots : IPoolSlots
{
    public static InProcessPoolSlots Shared { get; } = new();

    private readonly Dictionary<string, HashSet<(long RunId, string TaskId)>> _claims = new(StringComparer.Ordinal);

    public Task<bool> TryClaimAsync(string pool, int size, long runId, string taskId, CancellationToken cancellationToken)
    {
        lock (_claims)
        {
            if (!_claims.TryGetValue(pool, out var holders))
            {
                _claims[pool] = holders = [];
            }

            return Task.FromResult(holders.Contains((runId, taskId)) || (holders.Count < size && holders.Add((runId, taskId))));
        }
    }

    public Task ReleaseAsync(string pool, long runId, string taskId, CancellationToken cancellationToken)
    {
        lock (_claims)
        {
            _claims.GetValueOrDefault(pool)?.Remove((runId, taskId));
        }

        return Task.CompletedTask;
    }
}
