using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Sluice.Connectors.Http.Tests.Infrastructure;

namespace Sluice.Connectors.Http.Tests;

/// <summary>What the server receives: templated parameters, bodies, headers and credentials; and where credentials must never appear.</summary>
public sealed class RequestTests : IDisposable
{
    private readonly TestProject _project = new();

    [Fact]
    public async Task Query_parameters_and_the_url_are_templated_with_the_data_interval()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/days/{day}", () => Results.Json(Fixtures.Items(1, 1))));

        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: \"days/{{ ds_nodash }}\", query: { date: \"{{ ds }}\", since: \"{{ data_interval_start }}\", until: \"{{ data_interval_end }}\" }"),
            Fixtures.Connection(server),
            date: "2024-03-05");

        Assert.True(result.Succeeded, result.Run.Error);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/days/20240305", request.Path);
        Assert.Equal(("2024-03-05", "2024-03-05T00:00:00Z", "2024-03-06T00:00:00Z"), (request["date"], request["since"], request["until"]));
    }

    [Fact]
    public async Task Post_sends_the_templated_body_with_its_content_type_and_headers()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapPost("/search", async (HttpRequest r) =>
        {
            var body = await JsonDocument.ParseAsync(r.Body);
            var from = body.RootElement.GetProperty("from").GetString();
            return Results.Json(new { hits = new[] { new { from, type = r.ContentType, tenant = r.Headers["X-Tenant"].ToString() } } });
        }));

        var result = await _project.RunYamlAsync(
            Fixtures.Pipeline("connection: api, url: search, method: POST, records_path: hits, headers: { X-Tenant: acme }, body: '{\"from\": \"{{ ds }}\", \"size\": 100}'"),
            Fixtures.Connection(server));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal("{\"from\": \"2024-03-01\", \"size\": 100}", Assert.Single(server.Requests).Body);
        Assert.Equal(["2024-03-01|application/json|acme"], _project.Rows("raw"));
    }

    [Fact]
    public async Task A_bearer_token_from_the_environment_reaches_the_server_but_no_log_error_or_run_record()
    {
        var variable = "SLUICE_TEST_TOKEN_" + Guid.NewGuid().ToString("N");
        var token = "tok-" + Guid.NewGuid().ToString("N");
        Environment.SetEnvironmentVariable(variable, token);
        await using var server = await LoopbackServer.StartAsync(app =>
        {
            app.MapGet("/me", () => Results.Json(Fixtures.Items(1, 2)));
            // A careless API that echoes the credentials in its error body.
            app.MapGet("/echo", (HttpRequest r) => Results.Text($"bad request from {r.Headers.Authorization}", statusCode: 400));
        });
        var connection = Fixtures.Connection(server, $"bearer_token: ${{{variable}}}\nheaders: {{ X-Api-Key: \"${{{variable}}}\" }}");

        var log = new RunLog();
        var ok = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: me"), connection, observer: log);
        var failed = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: \"echo?token=${" + variable + "}\""), connection, observer: log);

        Assert.True(ok.Succeeded, ok.Run.Error);
        Assert.All(server.Requests, r => Assert.Equal($"Bearer {token}", r.Authorization));
        Assert.Equal(token, server.To("/echo").Single()["token"]);
        var error = failed.Tasks.Single().Error!;
        Assert.Contains($"{server.Url}/echo?token=*** answered HTTP 400 BadRequest", error, StringComparison.Ordinal);
        Assert.Contains("Body: bad request from Bearer ***", error, StringComparison.Ordinal);
        Assert.NotEmpty(log.Lines);
        Assert.DoesNotContain(log.Lines, l => l.Contains(token, StringComparison.Ordinal));
        Assert.DoesNotContain(token, error, StringComparison.Ordinal);
        Assert.DoesNotContain(token, failed.Run.Error, StringComparison.Ordinal);
        var records = _project.RunRecordsText();
        Assert.Contains("bad request from Bearer ***", records, StringComparison.Ordinal);
        Assert.DoesNotContain(token, records, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Basic_authentication_and_the_user_agent_are_sent_and_the_encoded_pair_is_masked()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/who", (HttpRequest r) => Results.Text($"refused {r.Headers.Authorization}", statusCode: 403)));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline("connection: api, url: who"), Fixtures.Connection(server, "username: ada\npassword: lovelace-42\nuser_agent: AcmeBot/2.0 (+ops@acme.test)"));

        var request = Assert.Single(server.Requests);
        var pair = Convert.ToBase64String("ada:lovelace-42"u8.ToArray());
        Assert.Equal(($"Basic {pair}", "AcmeBot/2.0 (+ops@acme.test)"), (request.Authorization, request.UserAgent));
        Assert.Contains("Body: refused Basic ***", result.Tasks.Single().Error, StringComparison.Ordinal);
        Assert.DoesNotContain(pair, _project.RunRecordsText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_task_can_call_an_absolute_url_without_a_connection()
    {
        await using var server = await LoopbackServer.StartAsync(app => app.MapGet("/public", () => Results.Json(new { items = Fixtures.Items(1, 2) })));

        var result = await _project.RunYamlAsync(Fixtures.Pipeline($"url: \"{server.Url}/public\", records_path: items"));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(2, _project.Rows("raw").Count);
        Assert.StartsWith("Sluice/", Assert.Single(server.Requests).UserAgent, StringComparison.Ordinal);
    }

    public void Dispose() => _project.Dispose();
}
