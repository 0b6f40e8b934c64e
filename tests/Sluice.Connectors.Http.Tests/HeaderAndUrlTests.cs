using Sluice.Connectors.Html;
using Sluice.Connectors.Http.Client;
using Sluice.Connectors.Http.Paging;

namespace Sluice.Connectors.Http.Tests;

/// <summary>The small parsers retries, pagination and messages depend on.</summary>
public sealed class HeaderAndUrlTests
{
    [Theory]
    [InlineData("<https://api.test/items?page=2>; rel=\"next\", <https://api.test/items?page=9>; rel=\"last\"", "https://api.test/items?page=2")]
    [InlineData("<https://api.test/items?page=1>; rel=\"prev\", <https://api.test/items?page=3>; rel=next", "https://api.test/items?page=3")]
    [InlineData("</items?a=1,2>; title=\"x\"; rel=\"next last\"", "/items?a=1,2")]
    [InlineData("<https://api.test/items?page=1>; rel=\"first\"", null)]
    public void The_next_relation_is_found_in_link_headers(string header, string? expected) =>
        Assert.Equal(expected, ResponseHeaders.NextLink([header]));

    [Fact]
    public void Retry_after_reads_seconds_and_http_dates()
    {
        var now = new DateTimeOffset(2024, 3, 1, 12, 0, 0, TimeSpan.Zero);

        Assert.Equal(TimeSpan.FromSeconds(120), ResponseHeaders.RetryAfter("120", now));
        Assert.Equal(TimeSpan.FromSeconds(30), ResponseHeaders.RetryAfter("Fri, 01 Mar 2024 12:00:30 GMT", now));
        Assert.Equal(TimeSpan.Zero, ResponseHeaders.RetryAfter("Fri, 01 Mar 2024 11:00:00 GMT", now));
        Assert.Null(ResponseHeaders.RetryAfter("soon", now));
        Assert.Null(ResponseHeaders.RetryAfter(null, now));
    }

    [Fact]
    public void Urls_in_messages_keep_ordinary_parameters_and_hide_credentials()
    {
        var url = new Uri("https://user:pw@api.test:8443/v1/items?page=2&api_key=abc&access_token=xyz&sig=1&day=2024-03-01");

        Assert.Equal("https://api.test:8443/v1/items?page=2&api_key=***&access_token=***&sig=***&day=2024-03-01", SafeUrl.Describe(url));
    }

    [Fact]
    public void Body_excerpts_are_one_short_line()
    {
        var body = System.Text.Encoding.UTF8.GetBytes("<html>\n  <body>" + new string('x', 500) + "</body></html>");

        var excerpt = SafeUrl.Excerpt(body);

        Assert.StartsWith("<html> <body>xxx", excerpt, StringComparison.Ordinal);
        Assert.Equal(203, excerpt.Length);
        Assert.Equal("(empty body)", SafeUrl.Excerpt([]));
    }

    [Fact]
    public void Query_parameters_are_replaced_or_added_keeping_the_others()
    {
        var url = QueryString.With(new Uri("http://h/items?page=1&q=a%20b"), [new("page", "2"), new("size", "10")]);

        Assert.Equal("http://h/items?q=a%20b&page=2&size=10", url.AbsoluteUri);
    }

    [Theory]
    [InlineData("span.price", "span.price", null)]
    [InlineData("a.title @href", "a.title", "href")]
    [InlineData("@data-id", null, "data-id")]
    [InlineData(".", null, null)]
    [InlineData("a[href$='@x.test']", "a[href$='@x.test']", null)]
    public void Field_selectors_split_the_css_from_the_attribute(string text, string? css, string? attribute)
    {
        var field = FieldSelector.Parse("f", text);

        Assert.Equal((css, attribute), (field.Css, field.Attribute));
    }

    [Theory]
    [InlineData("500ms", 0.5)]
    [InlineData("30s", 30)]
    [InlineData("2m", 120)]
    [InlineData("00:00:05", 5)]
    public void Durations_read_like_the_rest_of_sluice(string text, double seconds) =>
        Assert.Equal(TimeSpan.FromSeconds(seconds), Durations.TryParse(text));
}
