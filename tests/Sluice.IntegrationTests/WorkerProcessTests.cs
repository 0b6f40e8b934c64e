using System.Diagnostics;
using System.Globalization;
using Sluice.Events;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.Metadata.Sqlite;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>
/// Real <c>sluice worker</c> processes sharing one metadata store (a SQLite state folder, or a PostgreSQL
/// schema with datasets passed through the S3 artifact store): a run started with <c>sluice run --queue</c>
/// is carried out by them even when the worker holding a task is killed with SIGKILL, and SIGTERM stops
/// an idle worker with exit code 0.
/// </summary>
public sealed class WorkerProcessTests : IAsyncLifetime
{
    private readonly TestProject _project = new();
    private readonly HangsOnceServer _server = new();
    private readonly List<Process> _processes = [];
    private readonly PgMetadataSchema _schema = new();
    private Dictionary<string, string>? _environment;

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var process in _processes.Where(p => !p.HasExited))
        {
            process.Kill();
            process.WaitForExit();
        }

        _processes.ForEach(p => p.Dispose());
        _server.Dispose();
        _project.Dispose();
        await _schema.DisposeAsync();
    }

    /// <summary>With PostgreSQL the processes share no folder, so datasets travel through s3rver (SLUICE_TEST_S3_*).</summary>
    private string UseStore(StoreKind kind)
    {
        if (kind == StoreKind.Sqlite)
        {
            return string.Empty;
        }

        _environment = _schema.Environment;
        _project.Write("connections.yaml", $$"""
            connections:
              store:
                type: s3
                endpoint: {{Environment.GetEnvironmentVariable("SLUICE_TEST_S3_ENDPOINT")}}
                access_key_id: ${SLUICE_TEST_S3_ACCESS_KEY}
                secret_access_key: ${SLUICE_TEST_S3_SECRET_KEY}
            """);
        return $"artifacts: {{ connection: store, location: \"s3://{Environment.GetEnvironmentVariable("SLUICE_TEST_S3_BUCKET")}/workers-{_schema.Schema}\" }}\n";
    }

    [Theory]
    [InlineData(StoreKind.Sqlite, 3)]
    [InlineData(StoreKind.Postgres, 3)]
    public async Task Workers_finish_a_run_when_the_one_holding_a_task_is_killed_and_every_task_succeeds_once(StoreKind kind, int workerCount)
    {
        var artifacts = UseStore(kind);
        _project.Write("in/2024-03-01.csv", "id\n1\n2\n3\n");
        _project.Write("spread.yaml", $$$"""
            name: spread
            {{{artifacts}}}tasks:
              local: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
              api:
                source: http
                output: api
                retries: 2
                retry_delay: 1s
                with: { url: "{{{_server.Url}}}" }
              joined:
                transform: sql
                inputs: [raw, api]
                output: joined
                with: { sql: "SELECT r.id FROM raw r JOIN api a ON a.id = r.id" }
              counted: { transform: sql, input: joined, output: counted, with: { sql: "SELECT count(*) AS n FROM joined" } }
            """);
        // One task per worker, so the one killed holds the hanging task only.
        var workers = Enumerable.Range(1, workerCount).ToDictionary(i => $"w{i}", i => Start("worker", "--name", $"w{i}", "--lease", "4s", "--concurrency", "1"));
        var coordinator = Start("run", "spread.yaml", "--date", "2024-03-01", "--queue");

        // Kill whichever worker took the task whose first request never returns, while it holds it.
        var holder = await WaitForEventAsync(e => e.TaskId == "api" && e.Text("to") == "running");
        var victim = workers[holder.Text("worker")!];
        victim.Kill();
        await victim.WaitForExitAsync();
        var run = await CliProcess.WaitAsync(coordinator);

        var events = await EventsAsync();
        var changes = events.Where(e => e.Type == EventTypes.TaskStateChanged).ToList();
        Assert.True(run.ExitCode == 0, run.All);
        // Exactly once, from the event log: each task of the pipeline succeeded once and nothing else did, and
        // only the task the killed worker held was started a second time.
        Assert.Equal(["api", "counted", "joined", "local"], changes.Where(e => e.Text("to") == "success").Select(e => e.TaskId!).Order(StringComparer.Ordinal));
        foreach (var task in new[] { "local", "joined", "counted" })
        {
            Assert.Single(changes, e => e.TaskId == task && e.Text("to") == "running");
        }

        Assert.Equal(2, changes.Count(e => e.TaskId == "api" && e.Text("to") == "running"));

        var lost = Assert.Single(changes, e => e.TaskId == "api" && e.Text("to") == "up_for_retry");
        Assert.StartsWith($"worker lost: worker '{holder.Text("worker")}' stopped renewing its lease on attempt 1", lost.Text("error"), StringComparison.Ordinal);
        var finished = changes.Single(e => e.TaskId == "api" && e.Text("to") == "success");
        Assert.NotEqual(holder.Text("worker"), finished.Text("worker"));
        Assert.Equal(2, finished.Number("attempt"));
        Assert.Equal("success", Assert.Single(events, e => e.Type == EventTypes.RunFinished).Text("state"));

        // SIGTERM: the survivors stop claiming, hold nothing, and exit 0.
        foreach (var survivor in workers.Values.Where(w => w != victim))
        {
            using var term = Process.Start("kill", ["-TERM", survivor.Id.ToString(CultureInfo.InvariantCulture)]);
            await term.WaitForExitAsync();
            var stopped = await CliProcess.WaitAsync(survivor);
            Assert.True(stopped.ExitCode == 0, stopped.All);
        }
    }

    [Theory]
    [InlineData(StoreKind.Sqlite)]
    [InlineData(StoreKind.Postgres)]
    public async Task A_worker_stopped_by_sigterm_mid_task_hands_it_back_after_its_grace_period_and_exits_0(StoreKind kind)
    {
        UseStore(kind);
        _project.Write("hang.yaml", $$$"""
            name: hang
            tasks:
              api: { source: http, output: api, with: { url: "{{{_server.Url}}}" } }
            """);
        var worker = Start("worker", "--name", "only", "--grace", "1s");
        var coordinator = Start("run", "hang.yaml", "--date", "2024-03-01", "--queue");
        await WaitForEventAsync(e => e.TaskId == "api" && e.Text("to") == "running");

        using (var term = Process.Start("kill", ["-TERM", worker.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await term.WaitForExitAsync();
        }

        var stopped = await CliProcess.WaitAsync(worker);
        var back = await WaitForEventAsync(e => e.TaskId == "api" && e.Text("from") == "running" && e.Text("to") == "pending");
        // Another worker takes the task over from the start: the handed-back attempt did not count.
        var second = Start("worker", "--name", "next");
        var run = await CliProcess.WaitAsync(coordinator);

        Assert.True(stopped.ExitCode == 0, stopped.All);
        Assert.Equal(0, back.Number("attempt"));
        Assert.True(run.ExitCode == 0, run.All);
        var success = Assert.Single(await EventsAsync(), e => e.Type == EventTypes.TaskStateChanged && e.Text("to") == "success");
        Assert.Equal(("next", 1L), (success.Text("worker"), success.Number("attempt")));
        second.Kill();
    }

    private Process Start(params string[] arguments)
    {
        var process = CliProcess.Start(_project.Root, _environment, arguments);
        _processes.Add(process);
        return process;
    }

    private async Task<IReadOnlyList<RunEvent>> EventsAsync()
    {
        if (_environment is not null)
        {
            await using var shared = await _schema.OpenAsync();
            return await shared.ReadAsync(new EventQuery { Limit = 100_000 }, CancellationToken.None);
        }

        var path = Path.Combine(_project.StateDirectory, "sluice.db");
        if (!File.Exists(path))
        {
            return [];
        }

        await using var store = await SqliteMetadataStore.OpenAsync(path);
        return await store.ReadAsync(new EventQuery { Limit = 100_000 }, CancellationToken.None);
    }

    private async Task<RunEvent> WaitForEventAsync(Func<RunEvent, bool> match)
    {
        var deadline = DateTime.UtcNow.AddSeconds(90);
        while (DateTime.UtcNow < deadline)
        {
            if ((await EventsAsync()).FirstOrDefault(match) is { } found)
            {
                return found;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the event never came");
    }
}
