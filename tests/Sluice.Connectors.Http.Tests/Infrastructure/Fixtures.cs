using System.Text.Json;

namespace Sluice.Connectors.Http.Tests.Infrastructure;

/// <summary>Small YAML and JSON texts the tests share.</summary>
internal static class Fixtures
{
    /// <summary>A pipeline 'p' with one source task 'pull' writing dataset 'raw'; <paramref name="with"/> is a YAML flow mapping body.</summary>
    public static string Pipeline(string with, string source = "http", string task = "") => $$"""
        name: p
        tasks:
          pull:
            source: {{source}}
            output: raw
            {{task}}
            with: { {{with}} }
        """;

    /// <summary>connections.yaml with an http connection 'api' to the server; quick retries so tests stay fast.</summary>
    public static string Connection(LoopbackServer server, string extra = "") => $"""
        connections:
          api:
            type: http
            base_url: {server.Url}/
            retry_delay: 10ms
        {Indent(extra, 4)}
        """;

    /// <summary>Records {id, name} numbered from <paramref name="first"/>.</summary>
    public static object[] Items(int first, int count) =>
        Enumerable.Range(first, count).Select(i => (object)new { id = i, name = $"item {i}" }).ToArray();

    public static string Json(object value) => JsonSerializer.Serialize(value);

    private static string Indent(string text, int spaces) =>
        string.Join('\n', text.Split('\n').Select(line => new string(' ', spaces) + line));
}
