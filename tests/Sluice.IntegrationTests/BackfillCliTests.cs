using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>sluice backfill as a user runs it: what it skips and why, dry runs, reprocessing.</summary>
public sealed class BackfillCliTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task A_second_backfill_skips_what_succeeded_says_why_and_reprocess_all_runs_it_again()
    {
        _project.CopySalesExample();

        var first = await CliProcess.RunAsync(_project.Root, null, "backfill", "sales_etl", "--from", "2024-03-01", "--to", "2024-03-02");
        var dryRun = await CliProcess.RunAsync(_project.Root, null, "backfill", "sales_etl", "--from", "2024-03-01", "--to", "2024-03-03", "--dry-run");
        var again = await CliProcess.RunAsync(_project.Root, null, "backfill", "sales_etl", "--from", "2024-03-01", "--to", "2024-03-02");
        var reprocess = await CliProcess.RunAsync(_project.Root, null, "backfill", "sales_etl", "--from", "2024-03-02", "--to", "2024-03-02", "--reprocess-all");

        Assert.True(first.ExitCode == 0, first.All);
        Assert.Contains("run 2 of sales_etl for 2024-03-02 succeeded", first.Output, StringComparison.Ordinal);
        Assert.Equal(0, dryRun.ExitCode);
        Assert.Contains("2024-03-01  skip    succeeded in run 1", dryRun.Output, StringComparison.Ordinal);
        Assert.Contains("2024-03-03  run     never run", dryRun.Output, StringComparison.Ordinal);
        Assert.True(again.ExitCode == 0, again.All);
        Assert.Contains("2 of 2 interval(s) skipped", again.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("succeeded:", again.Output, StringComparison.Ordinal);
        Assert.True(reprocess.ExitCode == 0, reprocess.All);
        Assert.Contains("run 3 of sales_etl for 2024-03-02 succeeded", reprocess.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Intervals_another_process_started_during_the_backfill_are_reported_as_skipped_naming_that_run_not_as_failed()
    {
        using var server = new HangingServer();
        _project.Write("slow.yaml", $"""
            name: slow
            tasks:
              extract:
                source: http
                output: raw
                with: {"{"} url: "{server.Url}" {"}"}
            """);
        // The plan sees both days free; while the backfill is busy with the first, another process starts the second.
        using var backfill = CliProcess.Start(_project.Root, null, "backfill", "slow.yaml", "--from", "2024-03-01", "--to", "2024-03-02");
        await WaitForAsync(() => server.Connections == 1);
        using var other = CliProcess.Start(_project.Root, null, "run", "slow.yaml", "--date", "2024-03-02");
        await WaitForAsync(() => server.Connections == 2);
        await server.AnswerAsync(0, """[{"id": 1}]""");

        var result = await CliProcess.WaitAsync(backfill);
        other.Kill();
        await other.WaitForExitAsync();

        Assert.Equal(1, result.ExitCode);
        Assert.Contains(
            $"error: backfill finished with 1 interval(s) skipped because another process was running them: 2024-03-02 (run 2 of slow, process {other.Id} on {Environment.MachineName})",
            result.Error,
            StringComparison.Ordinal);
        Assert.Contains("run 1 of slow for 2024-03-01 succeeded", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("failed", result.Error, StringComparison.Ordinal);
    }

    private static async Task WaitForAsync(Func<bool> condition)
    {
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException("the condition never held");
            }

            await Task.Delay(100);
        }
    }
}
