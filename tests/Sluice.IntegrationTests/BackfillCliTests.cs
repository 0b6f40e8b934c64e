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
}
