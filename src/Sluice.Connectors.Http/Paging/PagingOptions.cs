namespace Sluice.Connectors.Http.Paging;

public enum PaginationStyle
{
    None,
    Page,
    Offset,
    Cursor,
    NextLink,
    LinkHeader,
}

/// <summary>How the source walks an API's pages; read from the task's options.</summary>
internal sealed record PagingOptions
{
    public static readonly string[] StyleNames = ["none", "page", "offset", "cursor", "next_link", "link_header"];

    public PaginationStyle Style { get; init; }
    public string PageParam { get; init; } = "page";
    public long FirstPage { get; init; } = 1;
    public string PageSizeParam { get; init; } = "page_size";
    public string OffsetParam { get; init; } = "offset";
    public string LimitParam { get; init; } = "limit";
    public int? PageSize { get; init; }
    public string? TotalPath { get; init; }
    public string? TotalPagesPath { get; init; }
    public string CursorParam { get; init; } = "cursor";
    public string? CursorPath { get; init; }
    public string? NextPath { get; init; }
    public int? MaxPages { get; init; }
    public int Concurrency { get; init; } = 1;

    public static PaginationStyle ParseStyle(string? text) => text switch
    {
        "page" => PaginationStyle.Page,
        "offset" => PaginationStyle.Offset,
        "cursor" => PaginationStyle.Cursor,
        "next_link" => PaginationStyle.NextLink,
        "link_header" => PaginationStyle.LinkHeader,
        _ => PaginationStyle.None,
    };

    public static PagingOptions Read(ConnectorOptions options) => new()
    {
        Style = ParseStyle(options.GetChoice("pagination")),
        PageParam = options.GetRequiredString("page_param"),
        FirstPage = options.GetInt("first_page"),
        PageSizeParam = options.GetRequiredString("page_size_param"),
        OffsetParam = options.GetRequiredString("offset_param"),
        LimitParam = options.GetRequiredString("limit_param"),
        PageSize = options.Has("page_size") ? options.GetInt("page_size") : null,
        TotalPath = options.GetString("total_path"),
        TotalPagesPath = options.GetString("total_pages_path"),
        CursorParam = options.GetRequiredString("cursor_param"),
        CursorPath = options.GetString("cursor_path"),
        NextPath = options.GetString("next_path"),
        MaxPages = options.Has("max_pages") ? options.GetInt("max_pages") : null,
        Concurrency = options.GetInt("concurrency"),
    };

    /// <summary>Page-number and offset pages can be addressed before the previous one arrives.</summary>
    public bool IsNumbered => Style is PaginationStyle.Page or PaginationStyle.Offset;
}
