using Sluice.Cli;
using Sluice.Connectors.Http.Tests.Infrastructure;
using Sluice.Validation;

namespace Sluice.Connectors.Http.Tests;

/// <summary>Option mistakes are reported before anything is requested.</summary>
public sealed class ValidationTests : IDisposable
{
    private readonly TestProject _project = new();

    private List<string> Problems(string pipeline, string? connections = null)
    {
        if (connections is not null)
        {
            _project.Write("connections.yaml", connections);
        }

        var path = _project.Write("pipeline.yaml", pipeline);
        var error = Assert.Throws<PipelineValidationException>(() => PipelineLoader.LoadValid(path, SluiceHost.Catalog()));
        return error.Errors.Select(e => e.ToString()).ToList();
    }

    [Fact]
    public void Impossible_http_option_combinations_are_named()
    {
        var problems = Problems("""
            name: p
            tasks:
              a: { source: http, output: a, with: { url: "http://127.0.0.1:9/x", pagination: cursor, concurrency: 4 } }
              b: { source: http, output: b, with: { url: "http://127.0.0.1:9/x", pagination: next_link, body: "{}" } }
              c: { source: http, output: c, with: { url: "http://127.0.0.1:9/x", pagination: pages } }
            """);

        Assert.Contains(problems, p => p.Contains("task 'a': concurrency 4 needs pagination: page or offset", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("task 'a': pagination: cursor needs cursor_path", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("task 'b': pagination: next_link needs next_path", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("task 'b': a body is sent only with method: POST.", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("task 'c': option 'pagination' must be one of: none, page, offset, cursor, next_link, link_header (got 'pages')", StringComparison.Ordinal));
    }

    [Fact]
    public void Html_needs_one_way_to_find_rows_and_connections_are_checked()
    {
        var problems = Problems(
            """
            name: p
            tasks:
              a: { source: html, output: a, with: { url: "http://127.0.0.1:9/", table_selector: table, row_selector: div } }
              b: { source: html, output: b, with: { connection: site, url: x, row_selector: div.card } }
            """,
            "connections:\n  site:\n    type: http\n    bearer_tokn: x\n");

        Assert.Contains(problems, p => p.Contains("task 'a': give exactly one of table_selector", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("task 'b': row_selector needs fields", StringComparison.Ordinal));
        Assert.Contains(problems, p => p.Contains("unknown option 'bearer_tokn' of http connection. Did you mean 'bearer_token'?", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_relative_url_without_a_connection_fails_before_any_request()
    {
        var result = await _project.RunYamlAsync(Fixtures.Pipeline("url: items"));

        Assert.Contains("url 'items' is not an absolute http(s) URL. Give a full URL, or name a connection with a base_url.", result.Tasks.Single().Error, StringComparison.Ordinal);
    }

    public void Dispose() => _project.Dispose();
}
