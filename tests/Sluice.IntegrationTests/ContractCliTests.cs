using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary><c>sluice contract show|diff|accept</c> through the real CLI, around a run that failed on drift.</summary>
public sealed class ContractCliTests : IDisposable
{
    private readonly TestProject _project = new();

    [Fact]
    public async Task Show_diff_and_accept_a_renamed_column_then_the_rerun_passes()
    {
        _project.Write("pipeline.yaml", """
            name: shop
            tasks:
              extract:
                source: files
                output: raw
                with: { path: "in/{{ ds }}.csv" }
            """);
        _project.Write("in/2024-03-01.csv", "id,amount\n1,12.5\n");
        _project.Write("in/2024-03-02.csv", "id,amt\n2,3.5\n");

        var first = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-01");
        var drifted = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-02");
        var show = await CliProcess.RunAsync(_project.Root, null, "contract", "show", "pipeline.yaml");
        var diff = await CliProcess.RunAsync(_project.Root, null, "contract", "diff", "pipeline.yaml", "raw");
        var accept = await CliProcess.RunAsync(_project.Root, null, "contract", "accept", "pipeline.yaml", "raw");
        var rerun = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-02");
        var versions = await CliProcess.RunAsync(_project.Root, null, "contract", "diff", "pipeline.yaml", "raw", "--version", "1", "--version", "2");
        var again = await CliProcess.RunAsync(_project.Root, null, "contract", "accept", "pipeline.yaml", "raw");
        var unknown = await CliProcess.RunAsync(_project.Root, null, "contract", "show", "pipeline.yaml", "rwa");

        Assert.Equal(0, first.ExitCode);
        Assert.NotEqual(0, drifted.ExitCode);
        Assert.Contains("'amount' looks renamed to 'amt'", drifted.All, StringComparison.Ordinal);

        Assert.Equal(0, show.ExitCode);
        Assert.Contains("raw: version 1, inferred from run 1 for 2024-03-01", show.Output, StringComparison.Ordinal);
        Assert.Matches(@"\n  id\s+BIGINT\n  amount\s+DOUBLE\n", show.Output);
        Assert.Contains("last run (run 2 for 2024-03-02) failed on drift", show.Output, StringComparison.Ordinal);

        Assert.Equal(0, diff.ExitCode);
        Assert.Contains("raw: version 1, inferred from run 1 for 2024-03-01", diff.Output, StringComparison.Ordinal);
        Assert.Contains("-> last observed (run 2 for 2024-03-02, failed)", diff.Output, StringComparison.Ordinal);
        Assert.Contains("  - amount DOUBLE\n  + amt DOUBLE\n  'amount' looks renamed to 'amt'", diff.Output, StringComparison.Ordinal);

        Assert.Equal(0, accept.ExitCode);
        Assert.Contains("raw: accepted the schema of run 2 for 2024-03-02 as version 2; the next run is compared with it.", accept.Output, StringComparison.Ordinal);
        Assert.True(rerun.ExitCode == 0, rerun.All);

        Assert.Equal(0, versions.ExitCode);
        Assert.Contains("raw: version 1, inferred", versions.Output, StringComparison.Ordinal);
        Assert.Contains("-> version 2, accepted from run 2 for 2024-03-02", versions.Output, StringComparison.Ordinal);
        Assert.Contains("  - amount DOUBLE\n  + amt DOUBLE", versions.Output, StringComparison.Ordinal);

        Assert.Contains("already is version 2; nothing to accept", again.Output, StringComparison.Ordinal);
        Assert.NotEqual(0, unknown.ExitCode);
        Assert.Contains("unknown dataset 'rwa' among the datasets its tasks write. Did you mean 'raw'?", unknown.Error, StringComparison.Ordinal);
    }

    public void Dispose() => _project.Dispose();
}
