using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Connectors.Http.Client;
using Sluice.Connectors.Http.Tests.Infrastructure;

namespace Sluice.Connectors.Http.Tests;

/// <summary>
/// The connection's credentials (bearer token, Basic pair, headers, query parameters) and the task's
/// own headers go only to the connection's origin, whatever URL a server or a template hands over:
/// a second loopback server (another address or port) records what it received.
/// </summary>
public sealed class CredentialScopeTests : IDisposable
{
    private const string Token = "tok-7f3a9c";
    private const string ApiKey = "key-51d2e8";
    private const string QueryKey = "qk-93b6a1";
    private readonly TestProject _project = new();

    private static string Credentials(LoopbackServer server) =>
        Fixtures.Connection(server, $"bearer_token: {Token}\nheaders: {{ X-Api-Key: {ApiKey} }}\nquery: {{ api_key: {QueryKey} }}");

    private static Task<LoopbackServer> ForeignAsync(string path, string host = "127.0.0.2") =>
        LoopbackServer.StartAsync(app => app.MapGet(path, () => Results.Json(new { items = Fixtures.Items(100, 2), links = new { next = (string?)null } })), host);

    private static void AssertCredentialed(SeenRequest request)
    {
        Assert.Equal($"Bearer {Token}", request.Authorization);
        Assert.Equal(ApiKey, request.Header("X-Api-Key"));
        Assert.Equal(QueryKey, request["api_key"]);
    }

    private static void AssertBare(SeenRequest request)
    {
        Assert.Null(request.Authorization);
        Assert.Null(request.Header("X-Api-Key"));
        Assert.Null(request.Header("X-Task-Secret"));
        Assert.Null(request["api_key"]);
    }

    [Fact]
    public async Task A_next_link_in_the_body_to_another_host_is_followed_without_credentials()
    {
        await using var foreign = await ForeignAsync("/stolen");
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed", () =>
            Results.Json(new { items = Fixtures.Items(1, 2), links = new { next = $"{foreign.Url}/stolen?page=2" } })));

        var log = new RunLog();
        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: feed, pagination: next_link, next_path: links.next, records_path: items, headers: { X-Task-Secret: t-1 }"),
            Credentials(server),
            observer: log);

        Assert.True(result.Succeeded, result.Run.Error);
        AssertCredentialed(server.To("/feed").Single());
        Assert.Equal("t-1", server.To("/feed").Single().Header("X-Task-Secret"));
        AssertBare(foreign.To("/stolen").Single());
        Assert.Equal(["1", "2", "100", "101"], _project.Rows("raw", "id"));
        Assert.Single(log.Lines, l => l.Contains($"credentials not sent to {foreign.Url}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_link_header_to_another_port_of_the_same_host_gets_no_credentials()
    {
        await using var foreign = await ForeignAsync("/other", host: "127.0.0.1");
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/repos", (HttpContext c) =>
        {
            c.Response.Headers.Append("Link", $"<{foreign.Url}/other?page=2>; rel=\"next\"");
            return Results.Json(Fixtures.Items(1, 2));
        }));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: repos, pagination: link_header"), Credentials(server));

        Assert.True(result.Succeeded, result.Run.Error);
        AssertCredentialed(server.To("/repos").Single());
        AssertBare(foreign.To("/other").Single());
    }

    [Fact]
    public async Task A_redirect_to_another_origin_drops_every_credential_and_one_within_the_origin_keeps_them()
    {
        await using var foreign = await ForeignAsync("/landing");
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/moved", () => Results.Redirect("/items", permanent: true));
            app.MapGet("/items", () => Results.Json(Fixtures.Items(1, 2)));
            app.MapGet("/away", () => Results.Redirect($"{foreign.Url}/landing"));
        });

        var within = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: moved"), Credentials(server));
        var away = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: away, records_path: items, headers: { X-Task-Secret: t-1 }"), Credentials(server));

        Assert.True(within.Succeeded, within.Run.Error);
        Assert.True(away.Succeeded, away.Run.Error);
        AssertBare(foreign.To("/landing").Single());
        Assert.Equal($"Bearer {Token}", server.To("/items").Single().Authorization);
        Assert.Equal(ApiKey, server.To("/items").Single().Header("X-Api-Key"));
    }

    [Fact]
    public async Task A_templated_task_url_on_another_origin_than_the_base_url_gets_no_connection_credentials()
    {
        await using var foreign = await ForeignAsync("/elsewhere");
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/unused", () => Results.Json(Array.Empty<object>())));
        var port = new Uri(foreign.Url).Port;
        var pipeline = $$$"""
            name: p
            params: { port: "{{{port}}}" }
            tasks:
              pull:
                source: http
                output: raw
                with: { connection: api, url: "http://127.0.0.2:{{ params.port }}/elsewhere", records_path: items }
            """;

        var log = new RunLog();
        var result = await _project.RunYamlAsync(pipeline, Credentials(server), observer: log);

        Assert.True(result.Succeeded, result.Run.Error);
        AssertBare(foreign.To("/elsewhere").Single());
        Assert.Contains(log.Lines, l => l.Contains($"credentials not sent to {foreign.Url}", StringComparison.Ordinal) && l.Contains($"{server.Url} (base_url)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_html_next_page_link_to_another_origin_gets_no_credentials()
    {
        await using var foreign = await LoopbackServer.StartAsync(app => app.MapGet("/p2", () => Results.Content("<table><tr><th>id</th></tr><tr><td>2</td></tr></table>", "text/html")), "127.0.0.2");
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/p1", () =>
            Results.Content($"<table><tr><th>id</th></tr><tr><td>1</td></tr></table><a class=\"next\" href=\"{foreign.Url}/p2\">next</a>", "text/html")));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: p1, table_selector: table, next_selector: a.next, delay: 0s", source: "html"), Credentials(server));

        Assert.True(result.Succeeded, result.Run.Error);
        AssertCredentialed(server.To("/p1").Single());
        AssertBare(foreign.To("/p2").Single());
        Assert.Equal(["1", "2"], _project.Rows("raw", "id"));
    }

    [Fact]
    public async Task Basic_credentials_stay_home_and_a_foreign_401_says_they_were_withheld()
    {
        await using var foreign = await LoopbackServer.StartAsync(app => app.MapGet("/private", () => Results.Json(new { error = "login" }, statusCode: 401)), "127.0.0.2");
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/feed", () =>
            Results.Json(new { items = Fixtures.Items(1, 1), next = $"{foreign.Url}/private" })));

        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: feed, pagination: next_link, next_path: next, records_path: items"),
            Fixtures.Connection(server, "username: ada\npassword: pw-2c9e"));

        Assert.StartsWith("Basic ", server.To("/feed").Single().Authorization, StringComparison.Ordinal);
        Assert.Null(foreign.To("/private").Single().Authorization);
        Assert.Contains($"answered HTTP 401 Unauthorized. The connection's credentials were not sent: {foreign.Url} is not the connection's origin {server.Url} (base_url).", result.Tasks.Single().Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Connection_headers_still_override_the_default_accept_header_on_the_own_origin()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/items", () => Results.Json(Fixtures.Items(1, 1))));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: items"), Fixtures.Connection(server, "headers: { Accept: application/vnd.api+json }"));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal("application/vnd.api+json", server.To("/items").Single().Header("Accept"));
    }

    [Fact]
    public async Task A_redirect_loop_stops_after_ten_hops()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/loop", (HttpRequest r) =>
            Results.Redirect($"/loop?n={(int.TryParse(r.Query["n"], out var n) ? n : 0) + 1}")));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: loop"), Fixtures.Connection(server));

        Assert.Contains("more than 10 redirects, the last from", result.Tasks.Single().Error, StringComparison.Ordinal);
        Assert.Equal(11, server.To("/loop").Count);
    }

    [Fact]
    public void A_redirect_from_https_down_to_http_is_refused()
    {
        var error = Assert.Throws<NonRetryableException>(() => Redirect.Check(new Uri("https://api.test/v1/items"), new Uri("http://api.test/v1/items"), 0, "task 'pull'"));

        Assert.Contains("https://api.test/v1/items redirects to http://api.test/v1/items, which is not followed: a redirect may not leave https", error.Message, StringComparison.Ordinal);
        Redirect.Check(new Uri("http://api.test/a"), new Uri("https://api.test/b"), 0, "task 'pull'");
    }

    [Theory]
    [InlineData("https://api.test/v1/", "https://api.test/other?x=1", true)]
    [InlineData("https://api.test/v1/", "https://API.test:443/v2", true)]
    [InlineData("https://api.test/v1/", "http://api.test/v1/", false)]
    [InlineData("https://api.test/v1/", "https://api.test:8443/v1/", false)]
    [InlineData("https://api.test/v1/", "https://evil.api.test/v1/", false)]
    [InlineData("http://127.0.0.1:5000/", "http://127.0.0.2:5000/", false)]
    public void Origins_compare_scheme_host_and_port(string trusted, string target, bool same) =>
        Assert.Equal(same, Origin.Of(new Uri(trusted)).Matches(new Uri(target)));

    public void Dispose() => _project.Dispose();
}
