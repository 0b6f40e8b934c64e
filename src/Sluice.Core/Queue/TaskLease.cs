namespace Sluice.Queue;

/// <summary>A worker's hold on a queued task instance, valid until <see cref="Until"/> unless renewed.</summary>
public sealed record TaskLease
{
    public required QueueItem Item { get; init; }

    public required string Worker { get; init; }

    /// <summary>Unique per claim: a finish or renewal with an older token is refused.</summary>
    public required string Token { get; init; }

    public required DateTimeOffset Until { get; init; }
}
