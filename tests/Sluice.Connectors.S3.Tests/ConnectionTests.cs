using System.Text;
using Sluice.Connectors.S3.Tests.Infrastructure;
using Sluice.Execution;
using Sluice.Validation;

namespace Sluice.Connectors.S3.Tests;

/// <summary>The s3 connection: credentials, unreachable servers and missing buckets fail clearly, and secrets never leak.</summary>
public sealed class ConnectionTests : IDisposable
{
    private const string WrongSecret = "not-the-secret-7f3a9c";

    private readonly S3Server _s3 = new();
    private readonly TestProject _project = new();

    public ConnectionTests() => _project.Write("connections.yaml", S3Server.ConnectionsYaml());

    private void Pipeline(string url) => _project.Write("pipeline.yaml", $"name: s3conn\ntasks:\n  pull: {{ source: s3, output: raw, with: {{ connection: store, url: \"{url}\" }} }}\n");

    private async Task<(RunResult Result, RunLog Log)> RunAsync()
    {
        var log = new RunLog();
        return (await _project.RunAsync("2024-03-01", log), log);
    }

    /// <summary>The secret is in no error, log line, or byte of the metadata database.</summary>
    private void AssertNowhere(string secret, RunResult result, RunLog log)
    {
        Assert.DoesNotContain(secret, result.Run.Error ?? string.Empty, StringComparison.Ordinal);
        Assert.All(result.Tasks, t => Assert.DoesNotContain(secret, t.Error ?? string.Empty, StringComparison.Ordinal));
        Assert.All(log.Messages, l => Assert.DoesNotContain(secret, l, StringComparison.Ordinal));
        var database = Encoding.UTF8.GetString(File.ReadAllBytes(_project.MetadataFile));
        Assert.DoesNotContain(secret, database, StringComparison.Ordinal);
    }

    // s3rver checks the access key id but does not verify SigV4 signatures, so a wrong secret alone
    // goes unnoticed there; these tests pair it with an unknown key id, which s3rver does refuse.
    private static string WrongCredentials(string secret) =>
        S3Server.ConnectionsYaml(secret).Replace("${SLUICE_TEST_S3_ACCESS_KEY}", "NOBODY", StringComparison.Ordinal);

    [Fact]
    public async Task Wrong_credentials_with_the_secret_from_secrets_env_fail_clearly_without_showing_the_secret()
    {
        _project.Write("connections.yaml", WrongCredentials("${S3_SECRET}"));
        _project.Write("secrets.env", $"S3_SECRET={WrongSecret}\n");
        await _s3.PutTextAsync("a.csv", "x\n1\n");
        Pipeline(_s3.Url("a.csv"));

        var (result, log) = await RunAsync();

        Assert.False(result.Succeeded);
        var error = result.Tasks.Single().Error!;
        Assert.Contains($"at {_s3.Endpoint}: the server refused the credentials of connection 'store' (InvalidAccessKeyId). Check its access_key_id and secret_access_key.", error, StringComparison.Ordinal);
        AssertNowhere(WrongSecret, result, log);
    }

    [Fact]
    public async Task A_secret_written_literally_in_connections_yaml_is_masked_too()
    {
        _project.Write("connections.yaml", WrongCredentials(WrongSecret));
        Pipeline(_s3.Url("a.csv"));

        var (result, log) = await RunAsync();

        Assert.Contains("(InvalidAccessKeyId)", result.Tasks.Single().Error, StringComparison.Ordinal);
        AssertNowhere(WrongSecret, result, log);
    }

    [Fact]
    public async Task The_real_secret_is_never_written_by_a_successful_run()
    {
        // s3rver's secret equals its access key, so use a secrets.env name whose value shows up nowhere else.
        _project.Write("secrets.env", $"SLUICE_TEST_S3_SECRET_KEY={_s3.SecretKey}\n");
        await _s3.PutTextAsync("ok.csv", "x\n1\n");
        Pipeline(_s3.Url("ok.csv"));

        var (result, log) = await RunAsync();

        Assert.True(result.Succeeded, result.Run.Error);
        AssertNowhere(_s3.SecretKey, result, log);
    }

    [Fact]
    public async Task A_missing_bucket_is_named()
    {
        Pipeline("s3://no-such-bucket-sluice/a.csv");

        var (result, _) = await RunAsync();

        Assert.Contains($"listing s3://no-such-bucket-sluice/a.csv at {_s3.Endpoint}: bucket 'no-such-bucket-sluice' does not exist", result.Tasks.Single().Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_endpoint_nobody_listens_on_says_it_cannot_reach_the_server()
    {
        using var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        socket.Bind(new System.Net.IPEndPoint(System.Net.IPAddress.Loopback, 0));
        var port = ((System.Net.IPEndPoint)socket.LocalEndPoint!).Port; // bound but not listening: connections are refused
        _project.Write("connections.yaml", S3Server.ConnectionsYaml().Replace(_s3.Endpoint, $"http://127.0.0.1:{port}", StringComparison.Ordinal));
        Pipeline(_s3.Url("a.csv"));

        var (result, _) = await RunAsync();

        Assert.Contains($"at http://127.0.0.1:{port}: cannot reach the server", result.Tasks.Single().Error, StringComparison.Ordinal);
        Assert.Contains("Check the endpoint of connection 'store'", result.Tasks.Single().Error, StringComparison.Ordinal);
    }

    [Fact]
    public void Conflicting_and_unknown_options_are_validation_errors_with_locations()
    {
        _project.Write("connections.yaml", S3Server.ConnectionsYaml() + "    force_path_styl: true\n");
        _project.Write("pipeline.yaml", $"name: s3conn\ntasks:\n  pull: {{ source: s3, output: raw, with: {{ connection: store, url: \"{_s3.Url("a.csv")}\", bucket: b }} }}\n");

        var error = Assert.Throws<PipelineValidationException>(() => PipelineLoader.LoadValid(_project.PathOf("pipeline.yaml"), Cli.SluiceHost.Catalog()));

        var messages = error.Errors.Select(e => e.ToString()).ToList();
        Assert.Contains(messages, m => m.Contains("unknown option 'force_path_styl' of s3 connection. Did you mean 'force_path_style'?", StringComparison.Ordinal));
        Assert.Contains(messages, m => m.Contains("options 'url' and 'bucket'", StringComparison.Ordinal) || m.Contains("option 'bucket' is part of 'url'", StringComparison.Ordinal));
    }

    public void Dispose()
    {
        _project.Dispose();
        _s3.Dispose();
    }
}
