using Sluice.IntegrationTests.Infrastructure;
using Sluice.State;
using Sluice.Validation;

namespace Sluice.IntegrationTests;

/// <summary>Behaviour fixed after the documentation review found it surprising or unsafe.</summary>
public sealed class ReviewFindingsTests : IDisposable
{
    private readonly TestProject _project = new();

    [Fact]
    public async Task A_csv_whose_header_order_differs_from_the_declared_columns_fails_instead_of_shifting_values()
    {
        _project.Write("in.csv", "amount,id\n9.5,1\n");
        _project.Write("pipeline.yaml", "name: p\ntasks:\n  extract: { source: files, output: raw, with: { path: in.csv, columns: { id: BIGINT, amount: DOUBLE } } }\n");

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01");

        var error = result.Tasks.Single().Error!;
        Assert.Contains("the header of", error);
        Assert.Contains("is (amount, id) but the declared columns are (id, amount)", error);
        Assert.Equal(1, result.Tasks.Single().TryNumber);
    }

    [Fact]
    public async Task Resume_keeps_succeeded_loads_and_reruns_everything_downstream_of_what_runs_again()
    {
        _project.Write("in.csv", "id\n1\n2\n");
        _project.Write("pipeline.yaml", """
            name: p
            tasks:
              extract: { source: files, output: raw, with: { path: in.csv } }
              append: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: appended } }
              shape:
                transform: sql
                input: raw
                output: shaped
                with: { sql_file: shape.sql }
              load: { sink: duckdb, input: shaped, with: { database: wh.duckdb, table: shaped, mode: replace } }
            """);
        _project.Write("shape.sql", "SELECT id * 10 AS id FROM raw WHERE nonsense");
        var first = await _project.RunAsync("pipeline.yaml", "2024-03-01");
        Assert.Equal(TaskState.Failed, first.Tasks.Single(t => t.TaskId == "shape").State);
        _project.Write("shape.sql", "SELECT id * 10 AS id FROM raw -- a trailing comment");

        var resumed = await _project.RunAsync("pipeline.yaml", "2024-03-01", resume: true);

        Assert.True(resumed.Succeeded, resumed.Run.Error);
        Assert.True(resumed.Tasks.Single(t => t.TaskId == "append").Reused);
        Assert.Equal(2L, _project.Warehouse("wh.duckdb").Count("appended"));
        Assert.Equal("10\n20", _project.Warehouse("wh.duckdb").Snapshot("shaped"));
    }

    [Fact]
    public void Defaults_written_after_the_tasks_still_apply_and_a_bare_number_is_not_a_duration()
    {
        var pipeline = Yaml.PipelineYamlLoader.Load("name: p\ntasks:\n  a: { source: files, output: raw, with: { path: x.csv } }\ndefaults: { retries: 3 }\n", "p.yaml", _project.Root);
        Assert.Equal(3, pipeline.Tasks[0].Retry!.Retries);

        var error = Assert.Throws<PipelineValidationException>(() =>
            Yaml.PipelineYamlLoader.Load("name: p\ndefaults: { timeout: 30 }\ntasks:\n  a: { source: files, output: raw, with: { path: x.csv } }\n", "p.yaml", _project.Root));
        Assert.Contains("p.yaml:2:22: timeout must be a duration such as 500ms, 30s, 5m or 1h (got '30').", error.Message);
    }

    public void Dispose() => _project.Dispose();
}
