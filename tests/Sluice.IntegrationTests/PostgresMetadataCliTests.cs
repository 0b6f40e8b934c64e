using System.Diagnostics;
using System.Globalization;
using Sluice.Events;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>
/// The sluice command with its run history in PostgreSQL (SLUICE_METADATA): runs and history, two
/// schedulers sharing one store, and a server that cannot be reached.
/// </summary>
public sealed class PostgresMetadataCliTests : IAsyncLifetime
{
    private readonly TestProject _project = new();
    private readonly PgMetadataSchema _schema = new();

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        await _schema.DisposeAsync();
        _project.Dispose();
    }

    private void WriteDailyPipeline(string extra = "")
    {
        _project.Write("pipeline.yaml", $"""
            name: daily
            {extra}
            tasks:
              extract: {"{"} source: files, output: raw, with: {"{"} path: "in/{"{{"} ds {"}}"}.csv" {"}"} {"}"}
            """);
    }

    private void WriteInput(DateOnly date) =>
        _project.Write($"in/{date:yyyy-MM-dd}.csv", $"id,day\n1,{date:yyyy-MM-dd}\n2,{date:yyyy-MM-dd}\n");

    [Fact]
    public async Task Run_and_runs_keep_their_history_in_postgres_and_not_in_the_state_folder()
    {
        WriteDailyPipeline();
        WriteInput(new DateOnly(2024, 3, 1));

        var run = await CliProcess.RunAsync(_project.Root, _schema.Environment, "run", "pipeline.yaml", "--date", "2024-03-01");
        var runs = await CliProcess.RunAsync(_project.Root, _schema.Environment, "runs");
        var tasks = await CliProcess.RunAsync(_project.Root, _schema.Environment, "runs", "--run", "1");
        var elsewhere = await CliProcess.RunAsync(_project.Root, null, "runs");
        await using var store = await _schema.OpenAsync();
        var events = await store.ReadAsync(new EventQuery { Types = [EventTypes.RunFinished] }, CancellationToken.None);

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("run 1 of daily for 2024-03-01 succeeded", run.Output, StringComparison.Ordinal);
        Assert.Matches(@"│ 1\s+│ daily\s+│ 2024-03-01 │ success", runs.Output);
        Assert.Matches(@"│ extract\s+│ success", tasks.Output);
        Assert.False(File.Exists(Path.Combine(_project.StateDirectory, "sluice.db")));
        Assert.Contains("no runs yet", elsewhere.Output, StringComparison.Ordinal);
        Assert.Equal("success", Assert.Single(events).Text("state"));
    }

    [Fact]
    public async Task An_unreachable_metadata_server_fails_a_command_with_one_line_naming_host_and_port()
    {
        var port = PostgresMetadataStoreTests.ClosedPort();
        var environment = new Dictionary<string, string>
        {
            ["SLUICE_METADATA"] = $"postgres://sluice@127.0.0.1:{port}/meta",
            ["SLUICE_METADATA_PASSWORD"] = "pw-that-must-not-show",
        };

        var runs = await CliProcess.RunAsync(_project.Root, environment, "runs");

        Assert.Equal(1, runs.ExitCode);
        Assert.StartsWith($"error: cannot reach the metadata store at 127.0.0.1:{port}", runs.Error, StringComparison.Ordinal);
        Assert.Single(runs.Error.Trim().Split('\n'));
        Assert.DoesNotContain("   at ", runs.All, StringComparison.Ordinal);
        Assert.DoesNotContain("pw-that-must-not-show", runs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_password_given_with_metadata_on_the_command_line_is_refused()
    {
        var runs = await CliProcess.RunAsync(_project.Root, null, "runs", "--metadata", "postgres://sluice:hunter22@127.0.0.1/meta");

        Assert.Equal(1, runs.ExitCode);
        Assert.Contains("SLUICE_METADATA_PASSWORD", runs.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter22", runs.All, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Two_schedulers_on_one_postgres_store_run_every_caught_up_interval_exactly_once()
    {
        var today = DateOnly.FromDateTime(DateTime.UtcNow);
        var dates = Enumerable.Range(1, 4).Select(i => today.AddDays(-i)).Order().ToList();
        dates.ForEach(WriteInput);
        WriteDailyPipeline($"""
            schedule: "0 0 * * *"
            start_date: {dates[0]:yyyy-MM-dd}
            catchup: true
            max_active_runs: 2
            """);
        await (await _schema.OpenAsync()).DisposeAsync();  // migrated once, so both schedulers start on the same footing

        using var one = CliProcess.Start(_project.Root, _schema.Environment, "scheduler", "--pipelines", "pipeline.yaml", "--tick", "1s");
        using var two = CliProcess.Start(_project.Root, _schema.Environment, "scheduler", "--pipelines", "pipeline.yaml", "--tick", "1s");
        var outputs = new[] { CliProcess.WaitAsync(one), CliProcess.WaitAsync(two) };
        await using var store = await _schema.OpenAsync();
        var finished = await WaitForFinishedRunsAsync(store, dates.Count, TimeSpan.FromMinutes(2));
        await StopAsync(one);
        await StopAsync(two);
        var logs = await Task.WhenAll(outputs);
        var started = await store.ReadAsync(new EventQuery { Types = [EventTypes.RunStarted], Pipeline = "daily" }, CancellationToken.None);
        var runs = await store.ListRunsAsync("daily", dates[0], dates[^1], CancellationToken.None);

        Assert.True(finished.Count == dates.Count, string.Join("\n", logs.Select(l => l.All)));
        Assert.Equal(dates, started.Select(e => e.LogicalDate!.Value).Order());
        Assert.Equal(dates, finished.Select(e => e.LogicalDate!.Value).Order());
        Assert.All(finished, e => Assert.Equal("success", e.Text("state")));
        Assert.Equal(dates, runs.Select(r => r.LogicalDate).Order());
        Assert.All(runs, r => Assert.Equal("scheduled", r.Trigger));
        Assert.Equal(dates.Count, logs.Sum(l => CountStarts(l.All)));
    }

    /// <summary>Follows the event log (woken by NOTIFY) until that many runs finished, or the time is up.</summary>
    private static async Task<List<RunEvent>> WaitForFinishedRunsAsync(IMetadataStore store, int count, TimeSpan limit)
    {
        var log = EventLogs.Of(store);
        var finished = new List<RunEvent>();
        var position = 0L;
        var clock = Stopwatch.StartNew();
        while (finished.Count < count && clock.Elapsed < limit)
        {
            await log.WaitForEventsAsync(position, TimeSpan.FromSeconds(5), CancellationToken.None);
            foreach (var e in await log.ReadAsync(new EventQuery { AfterId = position }, CancellationToken.None))
            {
                position = e.Id;
                if (e.Type == EventTypes.RunFinished)
                {
                    finished.Add(e);
                }
            }
        }

        return finished;
    }

    private static int CountStarts(string log) =>
        log.Split('\n').Count(line => line.Contains("started run ", StringComparison.Ordinal) && line.Contains(" of daily for ", StringComparison.Ordinal));

    /// <summary>SIGTERM, as a service manager stops a scheduler.</summary>
    private static async Task StopAsync(Process scheduler)
    {
        using (var kill = Process.Start("kill", ["-TERM", scheduler.Id.ToString(CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        await scheduler.WaitForExitAsync();
    }
}
