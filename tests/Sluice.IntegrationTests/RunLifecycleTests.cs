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
