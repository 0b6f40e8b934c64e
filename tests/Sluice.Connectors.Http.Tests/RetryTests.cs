using System.Globalization;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Connectors.Http.Tests.Infrastructure;
using Sluice.State;

namespace Sluice.Connectors.Http.Tests;

/// <summary>Request-level retries: what is retried, how long it waits, and what fails at once.</summary>
public sealed class RetryTests : IDisposable
{
    private readonly TestProject _project = new();

    [Fact]
    public async Task Two_server_errors_are_retried_and_the_data_is_complete()
    {
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/items", (HttpRequest r) =>
        {
            // Page 2 fails twice before it works; page 1 and 3 work at once.
            var page = r.Query["page"].ToString();
            return page == "2" && Interlocked.Increment(ref calls) <= 2
                ? Results.Text("upstream exploded", statusCode: 500)
                : Results.Json(page is "1" or "2" ? Fixtures.Items(((int.Parse(page, CultureInfo.InvariantCulture) - 1) * 5) + 1, 5) : []);
        }));

        var log = new RunLog();
        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: items, pagination: page"), Fixtures.Connection(server), observer: log);

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(Enumerable.Range(1, 10).Select(i => $"{i}"), _project.Rows("raw", "id"));
        Assert.Equal(["1", "2", "2", "2", "3"], server.To("/items").Select(r => r["page"]!));
        Assert.Equal(1, result.Tasks.Single().TryNumber);
        Assert.Equal(2, log.Lines.Count(l => l.Contains("-> HTTP 500 InternalServerError; retry", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Http_429_waits_the_retry_after_seconds_the_server_asks_for()
    {
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/limited", (HttpContext c) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                c.Response.Headers.RetryAfter = "1";
                return Results.Text("slow down", statusCode: 429);
            }

            return Results.Json(Fixtures.Items(1, 3));
        }));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: limited"), Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        var requests = server.To("/limited");
        Assert.Equal(2, requests.Count);
        // retry_delay is 10ms, so a gap near a second can only come from Retry-After.
        Assert.InRange(requests[1].AtMs - requests[0].AtMs, 950, 5000);
        Assert.Equal(3, _project.Rows("raw").Count);
    }

    [Fact]
    public async Task Http_503_with_an_http_date_retry_after_waits_until_that_date()
    {
        var calls = 0;
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/maintenance", (HttpContext c) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                c.Response.Headers.RetryAfter = DateTimeOffset.UtcNow.AddSeconds(2).ToString("r", CultureInfo.InvariantCulture);
                return Results.Text("back soon", statusCode: 503);
            }

            return Results.Json(Fixtures.Items(1, 2));
        }));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: maintenance"), Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        var requests = server.To("/maintenance");
        // An HTTP-date has whole seconds, so "now + 2s" is between 1 and 2 seconds away.
        Assert.InRange(requests[1].AtMs - requests[0].AtMs, 900, 5000);
    }

    [Theory]
    [InlineData(401)]
    [InlineData(403)]
    public async Task Authentication_failures_send_one_request_and_say_to_check_the_credentials(int status)
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/secure", () => Results.Text("{\"error\":\"invalid token\"}", "application/json", statusCode: status)));

        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: secure", task: "retries: 2\n    retry_delay: 10ms"),
            Fixtures.Connection(server, "bearer_token: not-a-valid-token"));

        Assert.False(result.Succeeded);
        Assert.Single(server.To("/secure"));
        var task = result.Tasks.Single();
        Assert.Equal((TaskState.Failed, 1), (task.State, task.TryNumber));
        Assert.Contains($"authentication failed: GET {server.Url}/secure answered HTTP {status}", task.Error, StringComparison.Ordinal);
        Assert.Contains("Check the connection's credentials", task.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("not-a-valid-token", task.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_server_that_stays_down_fails_after_the_configured_retries_with_the_status_and_body()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/down", () => Results.Text("<h1>Bad gateway</h1>", "text/html", statusCode: 502)));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: down"), Fixtures.Connection(server, "retries: 2"));

        Assert.False(result.Succeeded);
        Assert.Equal(3, server.To("/down").Count);
        Assert.Contains($"GET {server.Url}/down still answered HTTP 502 BadGateway after 3 attempt(s). Body: <h1>Bad gateway</h1>", result.Tasks.Single().Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_request_slower_than_the_timeout_is_retried_then_fails_saying_it_timed_out()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/slow", async (CancellationToken aborted) =>
        {
            await Task.Delay(5000, aborted);
            return Results.Json(Array.Empty<object>());
        }));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: slow"), Fixtures.Connection(server, "timeout: 200ms\nretries: 1"));

        Assert.False(result.Succeeded);
        Assert.Equal(2, server.To("/slow").Count);
        Assert.Contains("timed out after 0.2s on each of 2 attempt(s)", result.Tasks.Single().Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_client_error_other_than_auth_is_not_retried()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/missing", () => Results.Text("no such resource", statusCode: 404)));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: missing"), Fixtures.Connection(server));

        Assert.Single(server.To("/missing"));
        Assert.Contains("answered HTTP 404 NotFound; check the url, query parameters and body. Body: no such resource", result.Tasks.Single().Error, StringComparison.Ordinal);
    }

    public void Dispose() => _project.Dispose();
}
