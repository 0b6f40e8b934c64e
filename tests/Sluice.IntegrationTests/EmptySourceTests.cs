using Sluice.Execution;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>on_empty on a source: zero rows extracted warns by default, fails or stays quiet when told.</summary>
public sealed class EmptySourceTests : IDisposable
{
    private readonly TestProject _project = new();
    private readonly RunLog _log = new();

    private async Task<RunResult> ExtractHeaderOnlyAsync(string onEmpty)
    {
        _project.Write("in/2024-03-02.csv", "id,v\n");
        _project.Write("pipeline.yaml", $$$"""
            name: extracts
            tasks:
              extract:
                source: files
                output: raw
                retries: 2
                retry_delay: 10ms
                {{{onEmpty}}}
                with: { path: "in/{{ ds }}.csv" }
            """);
        return await _project.RunAsync("pipeline.yaml", "2024-03-02", observer: _log);
    }

    [Fact]
    public async Task Zero_rows_extracted_log_a_warning_naming_the_task_and_interval_by_default()
    {
        var result = await ExtractHeaderOnlyAsync(string.Empty);

        Assert.True(result.Succeeded, result.Run.Error);
        var warning = Assert.Single(_log.Lines, l => l.Contains("warning", StringComparison.Ordinal));
        Assert.Contains("source task 'extract' extracted 0 rows for the interval 2024-03-02 00:00:00 +00:00 .. 2024-03-03 00:00:00 +00:00", warning);
        Assert.Contains("on_empty: ok", warning);
    }

    [Fact]
    public async Task On_empty_fail_fails_the_task_at_once_with_a_clear_message()
    {
        var result = await ExtractHeaderOnlyAsync("on_empty: fail");

        Assert.False(result.Succeeded);
        var task = Assert.Single(result.Tasks);
        Assert.Equal(TaskState.Failed, task.State);
        Assert.Equal(1, task.TryNumber);
        Assert.StartsWith("source task 'extract' extracted 0 rows for the interval 2024-03-02", task.Error);
        Assert.Contains("on_empty: fail", task.Error);
    }

    [Fact]
    public async Task On_empty_ok_says_nothing()
    {
        var result = await ExtractHeaderOnlyAsync("on_empty: ok");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.DoesNotContain(_log.Lines, l => l.Contains("0 rows", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_source_with_rows_says_nothing_whatever_the_policy()
    {
        _project.Write("in/2024-03-02.csv", "id,v\n1,a\n");
        _project.Write("pipeline.yaml", """
            name: extracts
            tasks:
              extract: { source: files, output: raw, on_empty: fail, with: { path: "in/{{ ds }}.csv" } }
            """);

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-02", observer: _log);

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.DoesNotContain(_log.Lines, l => l.Contains("0 rows", StringComparison.Ordinal));
    }

    public void Dispose() => _project.Dispose();
}
