using System.Globalization;

namespace Sluice.Connectors.Http.Paging;

/// <summary>
/// Walks an API's pages and hands them, in order, to a consumer. Cursor, next-link and Link-header
/// pages come one after another, since each names the next. Page-number and offset pages are
/// fetched in an ordered window of <c>concurrency</c> requests: the first page comes alone (it may
/// tell the total), then the window keeps that many pages in flight and hands them over in order,
/// so memory holds at most that many pages. Without a total, the window runs ahead until a page is
/// empty or short, and drops the up to concurrency-1 pages it fetched past the end.
/// </summary>
internal sealed class Paginator(PagingOptions options, string where)
{
    public delegate Task<PageResult> Fetch(Uri url, CancellationToken cancellationToken);

    /// <summary>Fetches every page; returns why it stopped, for the run log.</summary>
    public Task<string> RunAsync(Uri first, Fetch fetch, Func<PageResult, ValueTask> consume, CancellationToken cancellationToken) =>
        options.IsNumbered ? NumberedAsync(first, fetch, consume, cancellationToken) : LinkedAsync(first, fetch, consume, cancellationToken);

    private async Task<string> LinkedAsync(Uri first, Fetch fetch, Func<PageResult, ValueTask> consume, CancellationToken cancellationToken)
    {
        var url = first;
        var seen = new HashSet<string>(StringComparer.Ordinal) { first.AbsoluteUri };
        for (var pages = 1; ; pages++)
        {
            var page = await fetch(url, cancellationToken);
            await consume(page);
            if (pages == options.MaxPages)
            {
                return $"max_pages ({options.MaxPages}) reached";
            }

            Uri? next = options.Style switch
            {
                PaginationStyle.Cursor => page.Cursor is { } cursor ? QueryString.With(first, options.CursorParam, cursor) : null,
                PaginationStyle.NextLink => page.Next is { } link ? new Uri(page.Url, link) : null,
                PaginationStyle.LinkHeader => page.LinkNext is { } link ? new Uri(page.Url, link) : null,
                _ => null,
            };
            if (next is null)
            {
                return options.Style == PaginationStyle.None ? "single request" : "no next page";
            }

            if (!seen.Add(next.AbsoluteUri))
            {
                throw new NonRetryableException($"{where}: pagination loops: page {pages + 1} would fetch {Client.SafeUrl.Describe(next)} again. Check cursor_path/next_path, or set max_pages.");
            }

            url = next;
        }
    }

    private async Task<string> NumberedAsync(Uri first, Fetch fetch, Func<PageResult, ValueTask> consume, CancellationToken cancellationToken)
    {
        using var window = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var inFlight = new Queue<Task<PageResult>>();
        try
        {
            var head = await fetch(UrlOf(first, 0, options.PageSize), window.Token);
            await consume(head);
            var last = LastIndex(head);
            var step = options.PageSize ?? head.Records;
            if (End(head, 0, last) is { } stop)
            {
                return stop;
            }

            long next = 1;
            for (long index = 1; ; index++)
            {
                while (inFlight.Count < Math.Max(1, options.Concurrency) && (last is null || next <= last) && (options.MaxPages is null || next < options.MaxPages))
                {
                    inFlight.Enqueue(fetch(UrlOf(first, next++, step), window.Token));
                }

                if (inFlight.Count == 0)
                {
                    return "last page reached";
                }

                var page = await inFlight.Dequeue();
                await consume(page);
                if (End(page, index, last) is { } reason)
                {
                    return reason;
                }
            }
        }
        finally
        {
            // Pages fetched ahead past the end (or behind a failure) are cancelled and dropped.
            await window.CancelAsync();
            foreach (var pending in inFlight)
            {
                try
                {
                    await using var dropped = await pending;
                }
                catch (Exception)
                {
                    // Their outcome no longer matters: the data ended before them, or another page failed.
                }
            }
        }
    }

    private Uri UrlOf(Uri first, long index, int? step)
    {
        var size = options.PageSize?.ToString(CultureInfo.InvariantCulture);
        if (options.Style == PaginationStyle.Page)
        {
            var page = (options.FirstPage + index).ToString(CultureInfo.InvariantCulture);
            return QueryString.With(first, size is null ? [new(options.PageParam, page)] : [new(options.PageParam, page), new(options.PageSizeParam, size)]);
        }

        var offset = (index * (step ?? 0)).ToString(CultureInfo.InvariantCulture);
        return QueryString.With(first, size is null ? [new(options.OffsetParam, offset)] : [new(options.OffsetParam, offset), new(options.LimitParam, size)]);
    }

    /// <summary>The index of the last page, when the first page says how many there are.</summary>
    private long? LastIndex(PageResult head)
    {
        if (head.TotalPages is { } pages)
        {
            return pages - 1;
        }

        var size = options.PageSize ?? head.Records;
        return head.Total is { } total && size > 0 ? ((total + size - 1) / size) - 1 : null;
    }

    private string? End(PageResult page, long index, long? last) =>
        page.Records == 0 ? "empty page"
        : options.PageSize is { } size && page.Records < size ? $"short page ({page.Records} of {size} records)"
        : index >= last ? "total reached"
        : index + 1 == options.MaxPages ? $"max_pages ({options.MaxPages}) reached"
        : null;
}
