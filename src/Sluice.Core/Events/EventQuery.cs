namespace Sluice.Events;

/// <summary>Which events to read: those after a position, optionally of one run, pipeline or type.</summary>
public sealed record EventQuery
{
    public long AfterId { get; init; }
    public int Limit { get; init; } = 1000;
    public long? RunId { get; init; }
    public string? Pipeline { get; init; }
    public IReadOnlyList<string>? Types { get; init; }
}
