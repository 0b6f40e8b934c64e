using Sluice.Cli;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>The local executor: retries, backoff, timeouts, failure propagation, parallelism, resume.</summary>
public sealed class ExecutorTests : IDisposable
{
    private readonly TestProject _project = new();
    private readonly ScriptedConnector _scripted = new("scripted");

    private Connectors.ConnectorCatalog Catalog() => SluiceHost.Catalog().Add(_scripted);

    [Fact]
    public async Task A_failing_task_is_retried_with_exponential_backoff_until_it_succeeds()
    {
        _project.Write("pipeline.yaml", """
            name: flaky
            tasks:
              extract:
                source: scripted
                output: raw
                retries: 3
                retry_delay: 100ms
                retry_backoff: 3
                with: { fail_times: 2 }
              load:
                sink: duckdb
                input: raw
                with: { database: wh.duckdb, table: t }
            """);

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01", Catalog());

        Assert.True(result.Succeeded, result.Run.Error);
        var extract = result.Tasks.Single(t => t.TaskId == "extract");
        Assert.Equal(3, extract.TryNumber);
        Assert.Equal(3, _scripted.Calls);
        var gaps = _scripted.AttemptTimes.Zip(_scripted.AttemptTimes.Skip(1), (a, b) => b - a).ToList();
        Assert.True(gaps[0] >= TimeSpan.FromMilliseconds(90), $"first retry after {gaps[0]}");
        Assert.True(gaps[1] >= TimeSpan.FromMilliseconds(290), $"second retry after {gaps[1]} (backoff x3)");
        Assert.Equal(3L, _project.Warehouse("wh.duckdb").Count("t"));
    }

    [Fact]
    public async Task When_retries_run_out_the_task_fails_and_everything_downstream_is_upstream_failed()
    {
        _project.Write("pipeline.yaml", """
            name: broken
            defaults: { retries: 1, retry_delay: 10ms }
            tasks:
              extract:
                source: scripted
                output: raw
                with: { fail_times: 5, error: the API is down }
              other:
                source: files
                output: fine
                with: { path: fine.csv }
              shape:
                transform: sql
                inputs: [raw, fine]
                output: shaped
                with: { sql: SELECT * FROM raw }
              load:
                sink: duckdb
                input: shaped
                with: { database: wh.duckdb, table: t }
            """);
        _project.Write("fine.csv", "a\n1\n");

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01", Catalog());

        Assert.False(result.Succeeded);
        var states = result.Tasks.ToDictionary(t => t.TaskId, t => t.State);
        Assert.Equal(TaskState.Failed, states["extract"]);
        Assert.Equal(TaskState.Success, states["other"]);
        Assert.Equal(TaskState.UpstreamFailed, states["shape"]);
        Assert.Equal(TaskState.UpstreamFailed, states["load"]);
        Assert.Equal(2, _scripted.Calls);
        Assert.Contains("task 'extract' failed: InvalidOperationException: the API is down", result.Run.Error);

        await using var store = await Metadata.Sqlite.SqliteMetadataStore.OpenAsync(Path.Combine(_project.StateDirectory, "sluice.db"));
        var recorded = await store.ListTasksAsync(result.Run.Id, CancellationToken.None);
        Assert.Equal(TaskState.UpstreamFailed, recorded.Single(t => t.TaskId == "load").State);
        Assert.Equal(RunState.Failed, (await store.ListRunsAsync("broken", 1, CancellationToken.None))[0].State);
    }

    [Fact]
    public async Task Bad_data_is_not_retried()
    {
        _project.Write("pipeline.yaml", """
            name: bad
            defaults: { retries: 3, retry_delay: 10ms }
            tasks:
              extract: { source: scripted, output: raw, with: { bad_data: true } }
            """);

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01", Catalog());

        Assert.Equal(1, _scripted.Calls);
        Assert.Equal("the data is wrong", result.Tasks.Single().Error);
    }

    [Fact]
    public async Task A_task_that_outlives_its_timeout_is_cancelled_and_failed()
    {
        _project.Write("pipeline.yaml", """
            name: slow
            tasks:
              extract: { source: scripted, output: raw, timeout: 200ms, with: { delay_ms: 30000 } }
            """);

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01", Catalog());

        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(10), $"took {watch.Elapsed}");
        Assert.Equal(TaskState.Failed, result.Tasks.Single().State);
        Assert.Contains("timed out after 00:00:00.2", result.Tasks.Single().Error);
    }

    [Fact]
    public async Task Independent_tasks_run_in_parallel_up_to_the_bound()
    {
        var tasks = string.Join('\n', Enumerable.Range(1, 6).Select(i => $"  t{i}: {{ source: scripted, output: d{i}, with: {{ delay_ms: 300 }} }}"));
        _project.Write("pipeline.yaml", $"name: wide\nmax_parallel_tasks: 2\ntasks:\n{tasks}\n");

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01", Catalog());

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(2, _scripted.MaxConcurrent);
    }

    [Fact]
    public async Task Tasks_whose_driver_blocks_its_thread_still_run_in_parallel()
    {
        var tasks = string.Join('\n', Enumerable.Range(1, 4).Select(i => $"  t{i}: {{ source: scripted, output: d{i}, with: {{ block_ms: 400 }} }}"));
        _project.Write("pipeline.yaml", $"name: blocking\nmax_parallel_tasks: 2\ntasks:\n{tasks}\n");

        // Occupy as many pool threads as there are cores (what the pool starts without delay by default),
        // as a busy host or the test classes running beside this one do: that made these tasks run one
        // after another on a 2-core CI machine.
        using var release = new ManualResetEventSlim();
        var hogs = Enumerable.Range(0, Environment.ProcessorCount).Select(_ => Task.Run(() => release.Wait(TimeSpan.FromSeconds(5)))).ToArray();
        Sluice.Execution.RunResult result;
        try
        {
            result = await _project.RunAsync("pipeline.yaml", "2024-03-01", Catalog());
        }
        finally
        {
            release.Set();
            await Task.WhenAll(hogs);
        }

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(2, _scripted.MaxConcurrent);
    }

    [Fact]
    public async Task A_resumed_run_reads_the_staged_outputs_of_tasks_that_already_succeeded()
    {
        _project.Write("pipeline.yaml", """
            name: resumable
            tasks:
              extract: { source: scripted, output: raw }
              shape:
                transform: sql
                input: raw
                output: shaped
                with: { sql: SELECT id * 10 AS id FROM raw }
              load:
                sink: duckdb
                input: shaped
                with: { database: wh.duckdb, table: t, mode: replace }
            """);
        _project.Write("wh.duckdb", "this is not a database");
        var failed = await _project.RunAsync("pipeline.yaml", "2024-03-01", Catalog());
        Assert.Equal(TaskState.Failed, failed.Tasks.Single(t => t.TaskId == "load").State);
        File.Delete(_project.PathOf("wh.duckdb"));

        var resumed = await _project.RunAsync("pipeline.yaml", "2024-03-01", Catalog(), resume: true);

        Assert.True(resumed.Succeeded, resumed.Run.Error);
        Assert.Equal(1, _scripted.Calls);
        Assert.True(resumed.Tasks.Single(t => t.TaskId == "extract").Reused);
        Assert.True(resumed.Tasks.Single(t => t.TaskId == "shape").Reused);
        Assert.False(resumed.Tasks.Single(t => t.TaskId == "load").Reused);
        Assert.Equal("0\n10\n20", _project.Warehouse("wh.duckdb").Snapshot("t"));
    }

    [Fact]
    public async Task A_secret_from_the_environment_never_reaches_the_run_records()
    {
        const string secret = "s3cr3t-token-value";
        Environment.SetEnvironmentVariable("SLUICE_TEST_TOKEN", secret);
        _project.Write("pipeline.yaml", """
            name: secretive
            tasks:
              extract: { source: scripted, output: raw, with: { fail_times: 1, error: "login as ${SLUICE_TEST_TOKEN} refused" } }
            """);

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01", Catalog());

        Assert.False(result.Succeeded);
        Assert.DoesNotContain(secret, result.Run.Error);
        Assert.Contains("login as *** refused", result.Tasks.Single().Error);
        foreach (var file in Directory.GetFiles(_project.StateDirectory, "sluice.db*"))
        {
            Assert.DoesNotContain(secret, System.Text.Encoding.UTF8.GetString(await File.ReadAllBytesAsync(file)));
        }
    }

    public void Dispose() => _project.Dispose();
}
