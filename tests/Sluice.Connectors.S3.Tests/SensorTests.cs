using Microsoft.Extensions.Time.Testing;
using Sluice.Cli;
using Sluice.Connectors.S3.Tests.Infrastructure;
using Sluice.Events;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Yaml;

namespace Sluice.Connectors.S3.Tests;

/// <summary><c>sensor: s3</c> against the test s3rver on a fake clock: it looks until the object appears, or times out naming what it looked for.</summary>
public sealed class SensorTests : IAsyncLifetime
{
    private readonly S3Server _s3 = new();
    private readonly TestProject _project = new();
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2024, 3, 2, 6, 0, 0, TimeSpan.Zero));
    private SqliteMetadataStore _store = null!;

    public SensorTests() => _project.Write("connections.yaml", S3Server.ConnectionsYaml());

    public async Task InitializeAsync() => _store = await SqliteMetadataStore.OpenAsync(_project.MetadataFile, CancellationToken.None, _clock);

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        _s3.Dispose();
        _project.Dispose();
    }

    private async Task<(RunResult Result, IReadOnlyList<RunEvent> Waits)> RunAsync(string with, Func<int, Task>? onWaits = null)
    {
        _project.Write("pipeline.yaml", $"name: waits\ntasks:\n  landed:\n    sensor: s3\n    with: {{ connection: store, poke_interval: 1m, {with} }}\n");
        var runner = new PipelineRunner(SluiceHost.Catalog(), _store, _project.StateDirectory, timeProvider: _clock);
        var run = runner.RunAsync(PipelineYamlLoader.LoadFile(_project.PathOf("pipeline.yaml")), new RunRequest { LogicalDate = new DateOnly(2024, 3, 1) });
        for (var step = 0; !run.IsCompleted && step < 20_000; step++)
        {
            await Task.Delay(5);
            if (onWaits is not null)
            {
                await onWaits((await _store.ReadAsync(new EventQuery { Types = [EventTypes.SensorWaiting] }, CancellationToken.None)).Count);
            }

            _clock.Advance(TimeSpan.FromSeconds(5));
        }

        var result = await run;
        return (result, await _store.ReadAsync(new EventQuery { RunId = result.Run.Id, Types = [EventTypes.SensorWaiting] }, CancellationToken.None));
    }

    [Fact]
    public async Task The_sensor_looks_until_the_days_success_marker_appears()
    {
        await _s3.PutTextAsync("exports/2024-02-29/_SUCCESS", string.Empty);

        var (result, waits) = await RunAsync($"url: \"{_s3.Url("exports/{{ ds }}/_SUCCESS")}\", timeout: 1h", async seen =>
        {
            if (seen >= 2 && (await _s3.KeysAsync("exports/2024-03-01/")).Count == 0)
            {
                await _s3.PutTextAsync("exports/2024-03-01/_SUCCESS", string.Empty);
            }
        });

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(2, waits.Count);
        Assert.Equal($"no object matches {_s3.Url("exports/2024-03-01/_SUCCESS")} at {_s3.Endpoint} yet", waits[0].Text("waiting_for"));
    }

    [Fact]
    public async Task A_prefix_that_stays_empty_times_out_and_the_message_names_it_without_credentials()
    {
        var (result, waits) = await RunAsync($"url: \"{_s3.Url("never/")}\", timeout: 3m");

        Assert.False(result.Succeeded);
        // The test's clock runs on while the real S3 look is in flight, so the wait can overshoot by a step or two.
        Assert.InRange(waits.Count, 2, 3);
        var error = result.Tasks.Single().Error!;
        Assert.Matches(@"^sensor timed out after 3(\.\d+)?m \(timeout 3m\): no object matches", error);
        Assert.DoesNotContain(_s3.SecretKey, error, StringComparison.Ordinal);
    }
}
