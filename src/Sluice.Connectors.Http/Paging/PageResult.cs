using Sluice.Connectors.Http.Records;

namespace Sluice.Connectors.Http.Paging;

/// <summary>
/// One page after parsing: its records already flattened to JSON lines (in memory, or on disk for
/// a large page), the fields they had, and what pagination needs from it. Disposing it drops the lines.
/// </summary>
internal sealed record PageResult(Uri Url, int Records, SpillStream Lines, FieldCatalog Fields) : IAsyncDisposable
{
    public long? Total { get; init; }
    public long? TotalPages { get; init; }
    public string? Cursor { get; init; }
    public string? Next { get; init; }
    public string? LinkNext { get; init; }

    public ValueTask DisposeAsync() => Lines.DisposeAsync();
}
