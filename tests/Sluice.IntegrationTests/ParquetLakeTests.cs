using System.Globalization;
using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>The lake sink: Hive partitions, replaced whole when an interval is re-run.</summary>
public sealed class ParquetLakeTests : IDisposable
{
    private readonly TestProject _project = new();

    private void Pipeline(string with) => _project.Write("pipeline.yaml", $$$"""
        name: lake
        tasks:
          extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
          write:
            sink: parquet
            input: raw
            with: { path: lake/events, {{{with}}} }
        """);

    private long Rows(string filter = "true") =>
        Convert.ToInt64(Warehouse.InMemory().Query($"SELECT count(*) FROM read_parquet('{_project.PathOf("lake/events/**/*.parquet")}', hive_partitioning = true) WHERE {filter}")[0][0], CultureInfo.InvariantCulture);

    [Fact]
    public async Task Rerunning_an_interval_replaces_its_partition_and_leaves_the_others_alone()
    {
        Pipeline("partition_by: [date, kind]");
        _project.Write("in/2024-03-01.csv", "date,kind,v\n2024-03-01,a,1\n2024-03-01,b,2\n2024-03-01,b,3\n");
        _project.Write("in/2024-03-02.csv", "date,kind,v\n2024-03-02,a,4\n");
        Assert.True((await _project.RunAsync("pipeline.yaml", "2024-03-01")).Succeeded);
        Assert.True((await _project.RunAsync("pipeline.yaml", "2024-03-02")).Succeeded);
        Assert.True(Directory.Exists(_project.PathOf("lake/events/date=2024-03-01/kind=b")));

        _project.Write("in/2024-03-01.csv", "date,kind,v\n2024-03-01,b,30\n");
        Assert.True((await _project.RunAsync("pipeline.yaml", "2024-03-01")).Succeeded);

        Assert.Equal(1, Rows("kind = 'b' AND date = '2024-03-01'"));
        Assert.Equal(30, Convert.ToInt64(Warehouse.InMemory().Query($"SELECT v FROM read_parquet('{_project.PathOf("lake/events/date=2024-03-01/kind=b/*.parquet")}')")[0][0], CultureInfo.InvariantCulture));
        Assert.Equal(1, Rows("kind = 'a' AND date = '2024-03-01'"));
        Assert.Equal(1, Rows("date = '2024-03-02'"));
        Assert.Empty(Directory.GetDirectories(_project.PathOf("lake"), ".*"));
    }

    [Fact]
    public async Task Replace_mode_swaps_the_whole_dataset_and_append_adds_files()
    {
        Pipeline("mode: replace");
        _project.Write("in/2024-03-01.csv", "v\n1\n2\n");
        _project.Write("in/2024-03-02.csv", "v\n3\n");
        Assert.True((await _project.RunAsync("pipeline.yaml", "2024-03-01")).Succeeded);
        Assert.True((await _project.RunAsync("pipeline.yaml", "2024-03-02")).Succeeded);
        Assert.Equal(1, Rows());

        Pipeline("mode: append");
        Assert.True((await _project.RunAsync("pipeline.yaml", "2024-03-01")).Succeeded);
        Assert.Equal(3, Rows());
    }

    [Fact]
    public async Task Staging_left_by_a_killed_writer_is_removed_by_the_next_run_and_a_live_writers_is_not()
    {
        Pipeline("partition_by: [date, kind]");
        _project.Write("in/2024-03-01.csv", "date,kind,v\n2024-03-01,a,1\n");
        using var gone = System.Diagnostics.Process.Start("true")!;
        await gone.WaitForExitAsync();
        var dead = _project.PathOf($"lake/.events.staging-{gone.Id}-0123456789abcdef/date=2024-03-01/kind=a");
        var live = _project.PathOf($"lake/.events.staging-{Environment.ProcessId}-fedcba9876543210/date=2024-03-02/kind=a");
        Directory.CreateDirectory(dead);
        Directory.CreateDirectory(live);
        File.WriteAllBytes(Path.Combine(dead, "part-0.parquet"), []);

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.False(Directory.Exists(Path.GetDirectoryName(Path.GetDirectoryName(dead))));
        Assert.True(Directory.Exists(live));
        Assert.Equal(1, Rows());
    }

    public void Dispose() => _project.Dispose();
}
