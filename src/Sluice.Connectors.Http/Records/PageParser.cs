using System.Buffers;
using Sluice.Connectors.Http.Client;
using Sluice.Connectors.Http.Paging;

namespace Sluice.Connectors.Http.Records;

/// <summary>Turns a response into a <see cref="PageResult"/>: its records as flat JSON lines, and its pagination fields.</summary>
internal sealed class PageParser(string recordsPath, PagingOptions paging, string where)
{
    public PageResult Parse(HttpPage page)
    {
        using var document = JsonRecords.Parse(page, where);
        var root = document.RootElement;
        var records = JsonRecords.Records(document, recordsPath, page, where);
        // Flattened lines are about the size of the body; sizing the buffer up front avoids regrowth.
        var lines = new ArrayBufferWriter<byte>(Math.Max(256, page.Body.Length + (page.Body.Length / 4)));
        var count = records.ValueKind == System.Text.Json.JsonValueKind.Null ? 0 : new RecordFlattener().Write(records, lines);
        return new PageResult(page.Url, count, lines)
        {
            Total = JsonRecords.Number(root, paging.TotalPath),
            TotalPages = JsonRecords.Number(root, paging.TotalPagesPath),
            Cursor = JsonRecords.Text(root, paging.CursorPath),
            Next = JsonRecords.Text(root, paging.NextPath),
            LinkNext = ResponseHeaders.NextLink(page.Links),
        };
    }
}
