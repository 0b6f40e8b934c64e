using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>The sluice command as a user runs it: exit codes, one-line reasons, no stack traces.</summary>
public sealed class CliTests : IDisposable
{
    private readonly TestProject _project = new();

    [Fact]
    public async Task Run_runs_and_history_show_the_sales_example()
    {
        _project.CopySalesExample();

        var run = await CliProcess.RunAsync(_project.Root, null, "run", "sales_etl", "--date", "2024-03-01");
        var runs = await CliProcess.RunAsync(_project.Root, null, "runs");
        var tasks = await CliProcess.RunAsync(_project.Root, null, "runs", "--run", "1");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains("[extract_orders] success: 1000 rows written", run.Output);
        Assert.Contains("run 1 of sales_etl for 2024-03-01 succeeded: 18 tasks", run.Output);
        Assert.Equal(0, runs.ExitCode);
        Assert.Matches(@"│ 1\s+│ sales_etl\s+│ 2024-03-01 │ success", runs.Output);
        Assert.Matches(@"│ load_fact_sales\s+│ success", tasks.Output);
        Assert.True(File.Exists(_project.PathOf("warehouse/sales.duckdb")));
    }

    [Fact]
    public async Task Show_prints_the_dag_in_run_order_without_expanding_secrets()
    {
        _project.Write("pipeline.yaml", """
            name: shown
            tasks:
              load:
                sink: duckdb
                input: raw
                with: { database: "${WAREHOUSE_PATH}", table: t }
              extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
            """);

        var show = await CliProcess.RunAsync(_project.Root, new Dictionary<string, string> { ["WAREHOUSE_PATH"] = "secret-path.duckdb" }, "show", "pipeline.yaml");

        Assert.Equal(0, show.ExitCode);
        Assert.True(show.Output.IndexOf("[extract] source: files", StringComparison.Ordinal) < show.Output.IndexOf("[load] sink: duckdb", StringComparison.Ordinal), show.Output);
        Assert.Contains("database: ${WAREHOUSE_PATH}", show.Output);
        Assert.DoesNotContain("secret-path", show.Output);
    }

    [Fact]
    public async Task A_failed_run_exits_non_zero_with_a_one_line_reason()
    {
        _project.Write("pipeline.yaml", """
            name: missing
            tasks:
              extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
            """);

        var run = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-05");

        Assert.Equal(1, run.ExitCode);
        var reason = run.Error.Trim().Split('\n').Last();
        Assert.StartsWith("error: run 1 of missing for 2024-03-05 failed: task 'extract' failed: task 'extract': no file matches", reason);
        Assert.DoesNotContain("   at ", run.All);
    }

    [Fact]
    public async Task Invalid_yaml_is_reported_with_file_line_and_column_and_no_stack_trace()
    {
        _project.Write("pipeline.yaml", "name: broken\ntasks:\n  extract: { source: files, output: raw\n  load: x\n");

        var result = await CliProcess.RunAsync(_project.Root, null, "validate", "pipeline.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Matches(@"pipeline\.yaml:\d+:\d+: invalid YAML", result.Error);
        Assert.DoesNotContain("   at ", result.All);
    }

    [Fact]
    public async Task Every_problem_in_a_pipeline_is_reported_at_once_with_its_location_and_the_valid_choices()
    {
        _project.Write("pipeline.yaml", """
            name: sloppy
            shedule: "0 2 * * *"
            tasks:
              extract:
                source: files
                output: raw
                with: { path: in.csv, formt: csv, header: maybe }
              load:
                sink: duckdb
                input: raww
                with: { database: wh.duckdb, table: t, mode: merge }
            """);

        var result = await CliProcess.RunAsync(_project.Root, null, "validate", "pipeline.yaml");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("pipeline is invalid (5 problems)", result.Error);
        Assert.Contains("pipeline.yaml:2:1: unknown key 'shedule' in the pipeline. Did you mean 'schedule'?", result.Error);
        Assert.Contains("pipeline.yaml:7:27: task 'extract': unknown option 'formt' of source 'files'. Did you mean 'format'? Valid: allow_missing, columns, date_format,", result.Error);
        Assert.Contains("pipeline.yaml:7:47: task 'extract': option 'header' must be true or false (got 'maybe').", result.Error);
        Assert.Contains("pipeline.yaml:10:12: task 'load': unknown input dataset 'raww'. Did you mean 'raw'?", result.Error);
        Assert.Contains("pipeline.yaml:11:50: task 'load': option 'mode' must be one of: append, replace, upsert, delete_insert, scd1, scd2 (got 'merge').", result.Error);
    }

    [Fact]
    public async Task An_unknown_connector_lists_the_ones_that_exist()
    {
        _project.Write("pipeline.yaml", "name: p\ntasks:\n  extract: { source: filez, output: raw }\n");

        var result = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-01");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("pipeline.yaml:3:22: task 'extract': unknown source connector 'filez'. Did you mean 'files'? Valid: duckdb, files, html, http, mysql, postgres, postgres_cdc, s3, sqlite.", result.Error);
        Assert.False(Directory.Exists(Path.Combine(_project.Root, ".sluice", "artifacts")));
    }

    [Fact]
    public async Task A_bad_date_argument_says_what_format_to_use()
    {
        _project.Write("pipeline.yaml", "name: p\ntasks:\n  extract: { source: files, output: raw, with: { path: x.csv } }\n");

        var result = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "03/01/2024");

        Assert.Equal(1, result.ExitCode);
        Assert.Contains("--date '03/01/2024' is not a date; use YYYY-MM-DD", result.Error);
    }

    public void Dispose() => _project.Dispose();
}
