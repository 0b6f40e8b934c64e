using Sluice.Connectors.Http.Paging;

namespace Sluice.Connectors.Http;

/// <summary>The option specs of <c>source: http</c>, apart so the source reads as behaviour.</summary>
internal static class HttpSourceOptions
{
    public static IReadOnlyList<OptionSpec> Specs { get; } =
    [
        new("connection", OptionKind.Connection, "An http connection (base URL, credentials, timeouts, retries, rate limit); optional when url is absolute.") { Choices = [HttpConnection.TypeName] },
        OptionSpec.Text("url", "URL, or a path relative to the connection's base_url; templated, e.g. orders/{{ ds }}.", required: true),
        OptionSpec.OneOf("method", "HTTP method.", "GET", "GET", "POST"),
        OptionSpec.Text("body", "POST body, templated, e.g. {\"since\": \"{{ data_interval_start }}\"}."),
        OptionSpec.Text("content_type", "Content-Type of the body.", @default: "application/json"),
        new("headers", OptionKind.StringMap, "Extra request headers (over the connection's); templated."),
        new("query", OptionKind.StringMap, "Query parameters; templated, e.g. updated_since: \"{{ data_interval_start }}\"."),
        OptionSpec.Text("records_path", "Where the records are in each response: a dotted path such as data.items, or $ for a top-level array.", @default: "$"),
        OptionSpec.OneOf("pagination", "How to get the next page.", "none", PagingOptions.StyleNames),
        OptionSpec.Text("page_param", "page: query parameter holding the page number.", @default: "page"),
        new("first_page", OptionKind.Integer, "page: number of the first page.") { Default = "1" },
        OptionSpec.Text("page_size_param", "page: query parameter holding page_size.", @default: "page_size"),
        OptionSpec.Text("offset_param", "offset: query parameter holding the offset.", @default: "offset"),
        OptionSpec.Text("limit_param", "offset: query parameter holding page_size.", @default: "limit"),
        new("page_size", OptionKind.Integer, "page/offset: records per page, sent with page_size_param or limit_param; a shorter page is the last one."),
        OptionSpec.Text("total_path", "page/offset: response field holding the total number of records, e.g. meta.total."),
        OptionSpec.Text("total_pages_path", "page: response field holding the number of pages."),
        OptionSpec.Text("cursor_param", "cursor: query parameter that carries the cursor.", @default: "cursor"),
        OptionSpec.Text("cursor_path", "cursor: response field holding the next cursor, e.g. meta.next_cursor; pagination ends when it is missing or null."),
        OptionSpec.Text("next_path", "next_link: response field holding the next page's URL (absolute or relative), e.g. links.next."),
        new("max_pages", OptionKind.Integer, "Stop after this many pages (and say so in the log); unlimited when unset."),
        new("concurrency", OptionKind.Integer, "page/offset: pages in flight at once, handed over in order.") { Default = "1" },
        new("columns", OptionKind.StringMap, "Column names (flattened, e.g. customer_address_city) and SQL types; otherwise the output dataset's declared columns, otherwise inferred from every record."),
        new("log_every", OptionKind.Integer, "Write a progress line to the run log every this many pages.") { Default = "100" },
    ];

    /// <summary>Option combinations that cannot work, found before the run.</summary>
    public static IEnumerable<string> Validate(Model.TaskDefinition task)
    {
        string? Value(string name) => (task.Options.Find(name) as Model.ScalarOption)?.Value;
        var style = PagingOptions.ParseStyle(Value("pagination")?.ToLowerInvariant());
        if (int.TryParse(Value("concurrency"), out var concurrency) && concurrency != 1)
        {
            if (concurrency < 1)
            {
                yield return "concurrency must be 1 or more.";
            }
            else if (style is not (PaginationStyle.Page or PaginationStyle.Offset))
            {
                yield return $"concurrency {concurrency} needs pagination: page or offset; with {Value("pagination") ?? "none"} each page names the next, so pages come one at a time.";
            }
        }

        if (style == PaginationStyle.Cursor && Value("cursor_path") is null)
        {
            yield return "pagination: cursor needs cursor_path, the response field holding the next cursor (e.g. meta.next_cursor).";
        }

        if (style == PaginationStyle.NextLink && Value("next_path") is null)
        {
            yield return "pagination: next_link needs next_path, the response field holding the next page's URL (e.g. links.next).";
        }

        if (Value("body") is not null && !string.Equals(Value("method"), "POST", StringComparison.OrdinalIgnoreCase))
        {
            yield return "a body is sent only with method: POST.";
        }

        if (int.TryParse(Value("page_size"), out var size) && size < 1 || int.TryParse(Value("max_pages"), out var max) && max < 1)
        {
            yield return "page_size and max_pages must be 1 or more.";
        }
    }
}
