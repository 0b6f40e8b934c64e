using Sluice.Events;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.Metadata.Sqlite;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>
/// <c>sluice clear</c> and <c>sluice test</c> as a user runs them, on a three-task chain: what a clear
/// sends back to run and what the next run keeps; a test run leaves the run history as it was.
/// </summary>
public sealed class ClearAndTestCliTests : IDisposable
{
    private readonly TestProject _project = new();

    public ClearAndTestCliTests()
    {
        _project.Write("chain.yaml", """
            name: chain
            tasks:
              extract: { source: files, output: raw, with: { path: "in/orders_{{ ds }}.csv" } }
              clean: { transform: sql, input: raw, output: cleaned, with: { sql: "SELECT * FROM raw WHERE amount > 0" } }
              total: { transform: sql, input: cleaned, output: totals, with: { sql: "SELECT sum(amount) AS total FROM cleaned" } }
            """);
        _project.Write("in/orders_2024-03-01.csv", "id,amount\n1,10\n2,-1\n3,5\n");
        _project.Write("in/orders_2024-03-02.csv", "id,amount\n1,7\n");
    }

    public void Dispose() => _project.Dispose();

    private Task<CliProcess.Result> Sluice(params string[] arguments) => CliProcess.RunAsync(_project.Root, null, arguments);

    private async Task<(IReadOnlyList<RunRecord> Runs, Dictionary<string, TaskInstanceRecord> Tasks)> LatestAsync(string date)
    {
        await using var store = await SqliteMetadataStore.OpenAsync(Path.Combine(_project.StateDirectory, "sluice.db"));
        var runs = await store.ListRunsAsync("chain", 100, CancellationToken.None);
        var latest = runs.Where(r => r.LogicalDate == DateOnly.Parse(date, System.Globalization.CultureInfo.InvariantCulture)).MaxBy(r => r.Id)!;
        return (runs, (await store.ListTasksAsync(latest.Id, CancellationToken.None)).ToDictionary(t => t.TaskId));
    }

    [Fact]
    public async Task Clear_without_downstream_reruns_only_the_cleared_task_and_keeps_what_is_below_it()
    {
        var backfill = await Sluice("backfill", "chain", "--from", "2024-03-01", "--to", "2024-03-02");
        Assert.True(backfill.ExitCode == 0, backfill.All);

        var clear = await Sluice("clear", "chain", "--task", "clean", "--from", "2024-03-01", "--to", "2024-03-02", "--yes");

        Assert.True(clear.ExitCode == 0, clear.All);
        Assert.Contains("clearing 2 task instance(s) of chain in 2 run(s):", clear.Output, StringComparison.Ordinal);
        Assert.Contains("2024-03-01  run 1 (success)  clean", clear.Output, StringComparison.Ordinal);
        Assert.Contains("2024-03-02  run 2 (success)  clean", clear.Output, StringComparison.Ordinal);
        Assert.Contains("downstream task(s) total keep their results", clear.Output, StringComparison.Ordinal);
        var (_, cleared) = await LatestAsync("2024-03-01");
        Assert.Equal(TaskState.Pending, cleared["clean"].State);
        Assert.StartsWith("cleared by sluice clear", cleared["clean"].Error, StringComparison.Ordinal);
        Assert.Equal(TaskState.Success, cleared["total"].State);

        var rerun = await Sluice("run", "chain", "--date", "2024-03-01");

        Assert.True(rerun.ExitCode == 0, rerun.All);
        var (runs, tasks) = await LatestAsync("2024-03-01");
        Assert.Equal(3, runs.Count);
        Assert.True(tasks["extract"].Reused);
        Assert.False(tasks["clean"].Reused);
        Assert.Equal(2, tasks["clean"].RowsWritten);
        Assert.True(tasks["total"].Reused);
        Assert.Equal(RunState.Failed, runs.Single(r => r.Id == 1).State);

        // The other cleared interval is one for backfill --rerun-failed.
        var resumed = await Sluice("backfill", "chain", "--from", "2024-03-01", "--to", "2024-03-02", "--rerun-failed");
        Assert.True(resumed.ExitCode == 0, resumed.All);
        Assert.Contains("run 4 of chain for 2024-03-02 succeeded", resumed.Output, StringComparison.Ordinal);
        var (_, second) = await LatestAsync("2024-03-02");
        Assert.False(second["clean"].Reused);
        Assert.True(second["total"].Reused);
    }

    [Fact]
    public async Task Clear_with_downstream_reruns_the_task_and_everything_below_it()
    {
        Assert.Equal(0, (await Sluice("run", "chain", "--date", "2024-03-01")).ExitCode);

        var clear = await Sluice("clear", "chain", "--task", "clean", "--from", "2024-03-01", "--downstream", "--yes");
        var rerun = await Sluice("run", "chain", "--date", "2024-03-01");

        Assert.True(clear.ExitCode == 0, clear.All);
        Assert.Contains("2024-03-01  run 1 (success)  clean, total", clear.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("keep their results", clear.Output, StringComparison.Ordinal);
        Assert.True(rerun.ExitCode == 0, rerun.All);
        var (_, tasks) = await LatestAsync("2024-03-01");
        Assert.True(tasks["extract"].Reused);
        Assert.False(tasks["clean"].Reused);
        Assert.False(tasks["total"].Reused);
        Assert.Equal(TaskState.Success, tasks["total"].State);
    }

    [Fact]
    public async Task Clear_refuses_while_a_run_of_the_range_is_in_progress_and_names_an_unknown_task()
    {
        Assert.Equal(0, (await Sluice("run", "chain", "--date", "2024-03-01")).ExitCode);
        await using (var store = await SqliteMetadataStore.OpenAsync(Path.Combine(_project.StateDirectory, "sluice.db")))
        {
            var now = DateTimeOffset.UtcNow;
            await store.StartRunAsync(new RunRecord { Pipeline = "chain", LogicalDate = new DateOnly(2024, 3, 2), IntervalStart = now, IntervalEnd = now, StartedAt = now, HeartbeatAt = now, Host = RunLiveness.HostName, ProcessId = Environment.ProcessId }, CancellationToken.None);
        }

        var busy = await Sluice("clear", "chain", "--task", "clean", "--from", "2024-03-01", "--to", "2024-03-02", "--yes");
        var misspelt = await Sluice("clear", "chain", "--task", "claen", "--from", "2024-03-01", "--yes");
        var unconfirmed = await Sluice("clear", "chain", "--task", "clean", "--from", "2024-03-01");

        Assert.Equal(1, busy.ExitCode);
        Assert.Contains("error: cannot clear while a run is in progress: run 2 for 2024-03-02", busy.Error, StringComparison.Ordinal);
        Assert.Contains("nothing was cleared", busy.Error, StringComparison.Ordinal);
        Assert.Equal(1, misspelt.ExitCode);
        Assert.Contains("unknown task 'claen' in pipeline 'chain'. Did you mean 'clean'?", misspelt.Error, StringComparison.Ordinal);
        Assert.Equal(1, unconfirmed.ExitCode);
        Assert.Contains("would clear 1 task instance(s)", unconfirmed.Output, StringComparison.Ordinal);
        Assert.Contains("nothing cleared. Pass --yes", unconfirmed.Error, StringComparison.Ordinal);
        var (_, tasks) = await LatestAsync("2024-03-01");
        Assert.Equal(TaskState.Success, tasks["clean"].State);
    }

    [Fact]
    public async Task Test_runs_one_task_from_the_staged_inputs_and_leaves_the_run_history_and_published_data_untouched()
    {
        Assert.Equal(0, (await Sluice("run", "chain", "--date", "2024-03-01")).ExitCode);
        var published = _project.Staged("chain", "2024-03-01", "cleaned");
        var publishedBytes = await File.ReadAllBytesAsync(published);
        var before = await HistoryAsync();
        _project.Write("chain.yaml", File.ReadAllText(_project.PathOf("chain.yaml")).Replace("amount > 0", "amount > 6", StringComparison.Ordinal));

        var test = await Sluice("test", "chain", "clean", "--date", "2024-03-01");

        Assert.True(test.ExitCode == 0, test.All);
        var output = Path.Combine(_project.StateDirectory, "test", "chain", "2024-03-01", "clean", "cleaned.parquet");
        Assert.Contains("test of chain.clean for 2024-03-01 succeeded (not recorded, not published)", test.Output, StringComparison.Ordinal);
        Assert.Contains($"cleaned: 1 row(s) -> {output}", test.Output, StringComparison.Ordinal);
        Assert.True(File.Exists(output));
        Assert.Equal(publishedBytes, await File.ReadAllBytesAsync(published));
        Assert.Equal(before, await HistoryAsync());
    }

    [Fact]
    public async Task Test_of_an_interval_without_staged_inputs_says_which_run_to_make_first()
    {
        var test = await Sluice("test", "chain", "total", "--date", "2024-03-05");

        Assert.Equal(1, test.ExitCode);
        Assert.Contains("error: task 'total' reads 'cleaned' (written by task 'clean'), and chain has no run for 2024-03-05 yet.", test.Error, StringComparison.Ordinal);
        Assert.Contains("sluice run chain --date 2024-03-05", test.Error, StringComparison.Ordinal);
    }

    /// <summary>Every run, task instance and event, as text: what must not change.</summary>
    private async Task<string> HistoryAsync()
    {
        await using var store = await SqliteMetadataStore.OpenAsync(Path.Combine(_project.StateDirectory, "sluice.db"));
        var runs = await store.ListRunsAsync(null, 100, CancellationToken.None);
        var tasks = new List<TaskInstanceRecord>();
        foreach (var run in runs)
        {
            tasks.AddRange(await store.ListTasksAsync(run.Id, CancellationToken.None));
        }

        var events = await store.ReadAsync(new EventQuery { Limit = 10_000 }, CancellationToken.None);
        return string.Join("\n", runs.Select(r => r.ToString()).Concat(tasks.Select(t => t.ToString())).Append($"events: {events.Count}, last {events.LastOrDefault()?.Id}"));
    }
}
