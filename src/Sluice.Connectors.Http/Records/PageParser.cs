using System.Buffers;
using System.Globalization;
using System.Text.Json;
using Sluice.Connectors.Http.Client;
using Sluice.Connectors.Http.Paging;

namespace Sluice.Connectors.Http.Records;

/// <summary>
/// Turns a response body, read as it arrives, into a <see cref="PageResult"/>: its records as flat
/// JSON lines in a <see cref="SpillStream"/>, and its pagination fields. Memory is a read buffer
/// and one record at a time, whatever the page's size.
/// </summary>
internal sealed class PageParser(string recordsPath, PagingOptions paging, string where, string spillDirectory)
{
    private const int ReadSize = 1 << 16;
    private const int HeadSize = 1024;

    public async Task<PageResult> ParseAsync(HttpResponseBody response, CancellationToken cancellationToken)
    {
        var lines = new SpillStream(spillDirectory);
        try
        {
            var fields = new FieldCatalog();
            var flattener = new RecordFlattener(fields);
            using var writer = new Utf8JsonWriter(lines, RecordFlattener.WriterOptions);
            var records = 0;
            var scanner = new JsonPageScanner(recordsPath, [paging.TotalPath, paging.TotalPagesPath, paging.CursorPath, paging.NextPath])
            {
                RecordFound = record =>
                {
                    flattener.WriteRecord(record, writer, lines);
                    records++;
                },
            };
            var head = await ScanAsync(response, scanner, cancellationToken);
            writer.Flush();
            Check(scanner, response, head);
            return new PageResult(response.Url, records, lines, fields)
            {
                Total = Number(scanner, paging.TotalPath),
                TotalPages = Number(scanner, paging.TotalPagesPath),
                Cursor = Value(scanner, paging.CursorPath),
                Next = Value(scanner, paging.NextPath),
                LinkNext = ResponseHeaders.NextLink(response.Links),
            };
        }
        catch
        {
            await lines.DisposeAsync();
            throw;
        }
    }

    /// <summary>Feeds the body to the scanner chunk by chunk; returns its first bytes, for error messages.</summary>
    private async Task<byte[]> ScanAsync(HttpResponseBody response, JsonPageScanner scanner, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(ReadSize * 2);
        var head = new List<byte>(HeadSize);
        var filled = 0;
        try
        {
            while (true)
            {
                if (filled == buffer.Length)
                {
                    // One record larger than the buffer: grow to hold it whole.
                    var larger = ArrayPool<byte>.Shared.Rent(buffer.Length * 2);
                    buffer.AsSpan(0, filled).CopyTo(larger);
                    ArrayPool<byte>.Shared.Return(buffer);
                    buffer = larger;
                }

                var read = await response.Content.ReadAsync(buffer.AsMemory(filled), cancellationToken);
                if (head.Count < HeadSize)
                {
                    head.AddRange(buffer.AsSpan(filled, Math.Min(read, HeadSize - head.Count)).ToArray());
                }

                filled += read;
                var final = read == 0;
                int used;
                try
                {
                    used = scanner.Feed(buffer.AsSpan(0, filled), final);
                }
                catch (JsonException e)
                {
                    throw NotJson(response, head.ToArray(), e);
                }

                buffer.AsSpan(used, filled - used).CopyTo(buffer);
                filled -= used;
                if (final)
                {
                    if (scanner.RootKind == JsonValueKind.Undefined && scanner.RecordsKind is null && filled == 0 && head.Count == 0)
                    {
                        throw NotJson(response, [], null);
                    }

                    return head.ToArray();
                }
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    private void Check(JsonPageScanner scanner, HttpResponseBody response, byte[] head)
    {
        switch (scanner.RecordsKind)
        {
            case null:
                var keys = scanner.RootKind switch
                {
                    JsonValueKind.Object => $" (its top-level keys: {string.Join(", ", scanner.TopLevelKeys)})",
                    JsonValueKind.Array => " (it is a top-level array: use records_path: $)",
                    _ => string.Empty,
                };
                throw new NonRetryableException($"{where}: the JSON from {SafeUrl.Describe(response.Url)} ({response.StatusText}) has no '{recordsPath}'{keys}. Set records_path to where the records are (e.g. data.items, or $ for a top-level array). Body: {SafeUrl.Excerpt(head)}");
            case JsonValueKind.Array or JsonValueKind.Object or JsonValueKind.Null:
                return;
            default:
                throw new NonRetryableException($"{where}: '{recordsPath}' in the JSON from {SafeUrl.Describe(response.Url)} is a {scanner.RecordsKind.ToString()!.ToLowerInvariant()}, not a list of records. Body: {SafeUrl.Excerpt(head)}");
        }
    }

    private NonRetryableException NotJson(HttpResponseBody response, byte[] head, JsonException? error)
    {
        var type = response.MediaType is null ? string.Empty : $" ({response.MediaType})";
        var position = error?.LineNumber is { } line ? $" It breaks at line {line + 1}, byte {error.BytePositionInLine + 1}." : string.Empty;
        return new NonRetryableException($"{where}: {SafeUrl.Describe(response.Url)} answered {response.StatusText} with a body that is not JSON{type}. Body: {SafeUrl.Excerpt(head)}.{position} Check the url; for web pages use source: html.");
    }

    private static string? Value(JsonPageScanner scanner, string? path) => path is not null && scanner.Values.TryGetValue(path, out var text) ? text : null;

    private static long? Number(JsonPageScanner scanner, string? path) =>
        long.TryParse(Value(scanner, path), NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) ? number : null;
}
