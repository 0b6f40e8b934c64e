using System.Buffers;

namespace Sluice.Connectors.Http.Paging;

/// <summary>
/// One page after parsing: its records already flattened to JSON lines (so the parsed document can
/// be released at once), and what pagination needs from it.
/// </summary>
internal sealed record PageResult(Uri Url, int Records, ArrayBufferWriter<byte> Lines)
{
    public long? Total { get; init; }
    public long? TotalPages { get; init; }
    public string? Cursor { get; init; }
    public string? Next { get; init; }
    public string? LinkNext { get; init; }
}
