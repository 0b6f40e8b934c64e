using System.Diagnostics;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>
/// Real sluice processes meeting each other and dying: a second run of a busy interval is refused
/// naming the first, a killed run is shown as abandoned, SIGTERM cancels cleanly.
/// </summary>
public sealed class RunLifecycleTests : IDisposable
{
    private readonly TestProject _project = new();
    private readonly HangingServer _server = new();

    public RunLifecycleTests() =>
        _project.Write("slow.yaml", $"""
            name: slow
            tasks:
              extract:
                source: http
                output: raw
                with: {"{"} url: "{_server.Url}" {"}"}
            """);

    public void Dispose()
    {
        _server.Dispose();
        _project.Dispose();
    }

    [Fact]
    public async Task A_second_run_of_a_busy_interval_is_refused_naming_the_first_and_a_killed_run_becomes_abandoned()
    {
        using var first = CliProcess.Start(_project.Root, null, "run", "slow.yaml", "--date", "2024-03-01");
        await WaitUntilRunningAsync();

        var second = await CliProcess.RunAsync(_project.Root, null, "run", "slow.yaml", "--date", "2024-03-01");
        first.Kill();
        await first.WaitForExitAsync();
        var runs = await CliProcess.RunAsync(_project.Root, null, "runs");
        var tasks = await CliProcess.RunAsync(_project.Root, null, "runs", "--run", "1");

        Assert.Equal(1, second.ExitCode);
        Assert.Contains($"run 1 of slow for 2024-03-01 is already running (process {first.Id} on {Environment.MachineName}", second.Error, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", second.All, StringComparison.Ordinal);
        Assert.Matches(@"│ 1\s+│ slow\s+│ 2024-03-01 │ abandoned", runs.Output);
        Assert.Contains($"abandoned: process {first.Id}", tasks.Output.Replace("\n", " ", StringComparison.Ordinal).Replace("│", " ", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Matches(@"│ extract\s+│ failed", tasks.Output);
    }

    [Fact]
    public async Task Sigterm_cancels_the_run_records_it_as_cancelled_and_exits_130()
    {
        using var run = CliProcess.Start(_project.Root, null, "run", "slow.yaml", "--date", "2024-03-01");
        await WaitUntilRunningAsync();

        using (var kill = Process.Start("kill", ["-TERM", run.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await kill.WaitForExitAsync();
        }

        var result = await CliProcess.WaitAsync(run);
        var runs = await CliProcess.RunAsync(_project.Root, null, "runs");
        var again = await CliProcess.RunAsync(_project.Root, null, "runs", "--run", "1");

        Assert.Equal(130, result.ExitCode);
        Assert.Contains("error: cancelled.", result.Error, StringComparison.Ordinal);
        Assert.Matches(@"│ 1\s+│ slow\s+│ 2024-03-01 │ cancelled", runs.Output);
        Assert.Matches(@"│ extract\s+│ failed.*cancelled", again.Output);
    }

    [Fact]
    public async Task Resume_after_an_abandoned_run_reuses_what_it_had_finished_and_runs_the_rest()
    {
        _project.Write("in/2024-03-01.csv", "id\n1\n2\n");
        _project.Write("two.yaml", $"""
            name: two
            tasks:
              first: {"{"} source: files, output: a, with: {"{"} path: "in/{"{{"} ds {"}}"}.csv" {"}"} {"}"}
              second:
                source: http
                output: b
                depends_on: [first]
                with: {"{"} url: "{_server.Url}" {"}"}
            """);
        using var killed = CliProcess.Start(_project.Root, null, "run", "two.yaml", "--date", "2024-03-01");
        await WaitUntilRunningAsync();
        await WaitForAsync(async () => (await CliProcess.RunAsync(_project.Root, null, "runs", "--run", "1")).Output.Contains("success", StringComparison.Ordinal));
        killed.Kill();
        await killed.WaitForExitAsync();
        // The fix: the second task reads a file now; the first must not run again.
        _project.Write("two.yaml", File.ReadAllText(_project.PathOf("two.yaml")).Replace($"source: http", "source: files", StringComparison.Ordinal).Replace($"url: \"{_server.Url}\"", "path: \"in/{{ ds }}.csv\"", StringComparison.Ordinal));

        var resumed = await CliProcess.RunAsync(_project.Root, null, "run", "two.yaml", "--date", "2024-03-01", "--resume");
        var tasks = await CliProcess.RunAsync(_project.Root, null, "runs", "--run", "2");
        var runs = await CliProcess.RunAsync(_project.Root, null, "runs");

        Assert.True(resumed.ExitCode == 0, resumed.All);
        Assert.Matches(@"│ first\s+│ success \(reused\)", tasks.Output);
        Assert.Matches(@"│ second\s+│ success", tasks.Output);
        Assert.Matches(@"│ 1\s+│ two\s+│ 2024-03-01 │ abandoned", runs.Output);
    }

    private static async Task WaitForAsync(Func<Task<bool>> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!await condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition never held");
            }

            await Task.Delay(200);
        }
    }

    private async Task WaitUntilRunningAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            var runs = await CliProcess.RunAsync(_project.Root, null, "runs");
            if (runs.Output.Contains("running", StringComparison.Ordinal))
            {
                return;
            }

            await Task.Delay(200);
        }

        throw new TimeoutException("the first run never started");
    }
}
