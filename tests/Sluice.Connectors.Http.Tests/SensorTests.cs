using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Time.Testing;
using Sluice.Cli;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.State;
using Sluice.Yaml;

namespace Sluice.Connectors.Http.Tests;

/// <summary>
/// <c>sensor: http</c> against a real server on 127.0.0.1, on a fake clock: it looks until the status
/// or a JSON field says ready, freeing its slot between looks; refused credentials fail at once.
/// </summary>
public sealed class SensorTests : IAsyncLifetime
{
    private readonly DirectoryInfo _root = Directory.CreateTempSubdirectory("sluice-http-sensor-");
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 3, 2, 6, 0, 0, TimeSpan.Zero));
    private SqliteMetadataStore _store = null!;
    private int _calls;

    public async Task InitializeAsync() =>
        _store = await SqliteMetadataStore.OpenAsync(Path.Combine(_root.FullName, ".sluice", "sluice.db"), CancellationToken.None, _clock);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _root.Delete(recursive: true);
    }

    private async Task<(RunResult Result, IReadOnlyList<RunEvent> Waits)> RunAsync(string server, string with)
    {
        File.WriteAllText(Path.Combine(_root.FullName, "connections.yaml"), $"connections:\n  partner:\n    type: http\n    base_url: {server}/api/\n");
        var path = Path.Combine(_root.FullName, "pipeline.yaml");
        File.WriteAllText(path, $"name: waits\ntasks:\n  export_ready:\n    sensor: http\n    with: {{ connection: partner, poke_interval: 1m, timeout: 1h, {with} }}\n");
        var runner = new PipelineRunner(SluiceHost.Catalog(), _store, Path.Combine(_root.FullName, ".sluice"), timeProvider: _clock);
        var run = runner.RunAsync(PipelineYamlLoader.LoadFile(path), new RunRequest { LogicalDate = new DateOnly(2024, 3, 1) });
        for (var step = 0; !run.IsCompleted && step < 20_000; step++)
        {
            await Task.Delay(2);
            _clock.Advance(TimeSpan.FromSeconds(5));
        }

        var result = await run;
        return (result, await _store.ReadAsync(new EventQuery { RunId = result.Run.Id, Types = [EventTypes.SensorWaiting] }, CancellationToken.None));
    }

    [Fact]
    public async Task The_sensor_looks_until_the_templated_url_answers_200()
    {
        await using var server = await Infrastructure.LoopbackServer.StartAsync(app =>
            app.MapGet("/api/exports/{day}/status", (string day) => Interlocked.Increment(ref _calls) <= 2 || day != "2024-03-01" ? Results.NotFound() : Results.Ok()));

        var (result, waits) = await RunAsync(server.Url, "url: \"exports/{{ ds }}/status\"");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(3, server.To("/api/exports/2024-03-01/status").Count);
        Assert.Equal(2, waits.Count);
        Assert.Equal($"GET {server.Url}/api/exports/2024-03-01/status answered 404, waiting for 200", waits[0].Text("waiting_for"));
        Assert.Equal(1, result.Tasks.Single().TryNumber);
    }

    [Fact]
    public async Task The_sensor_waits_for_a_json_field_to_have_the_expected_value()
    {
        await using var server = await Infrastructure.LoopbackServer.StartAsync(app =>
            app.MapGet("/api/job", () => Results.Json(new { job = new { state = Interlocked.Increment(ref _calls) < 3 ? "running" : "done" } })));

        var (result, waits) = await RunAsync(server.Url, "url: job, json_path: job.state, equals: done");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(2, waits.Count);
        Assert.EndsWith("job.state is 'running', waiting for 'done'", waits[1].Text("waiting_for"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Refused_credentials_fail_the_sensor_at_once_instead_of_waiting()
    {
        await using var server = await Infrastructure.LoopbackServer.StartAsync(app => app.MapGet("/api/job", () => Results.StatusCode(401)));

        var (result, waits) = await RunAsync(server.Url, "url: job");

        Assert.False(result.Succeeded);
        Assert.Empty(waits);
        Assert.Single(server.To("/api/job"));
        Assert.Contains("answered 401", result.Tasks.Single().Error, StringComparison.Ordinal);
        Assert.Equal(TaskState.Failed, result.Tasks.Single().State);
    }
}
