using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>
/// What the CLI tells a user beyond the run itself: which state folder it uses, what a command
/// wrote, why a resumed run wrote nothing, and which environment values it hides.
/// </summary>
public sealed class CliFeedbackTests : IDisposable
{
    private const string Pipeline = """
        name: tiny
        tasks:
          extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
          load: { sink: duckdb, input: raw, with: { database: warehouse.duckdb, table: t } }
        """;

    private readonly TestProject _project = new();

    public CliFeedbackTests()
    {
        _project.Write("pipeline.yaml", Pipeline);
        _project.Write("in/2024-03-01.csv", "id,amount\n1,2.5\n2,3.5\n");
        Directory.CreateDirectory(_project.PathOf("reports/monthly"));
    }

    [Fact]
    public async Task Runs_in_a_subfolder_of_a_project_sees_the_projects_runs_and_says_which_state_folder()
    {
        var run = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-01");

        var runs = await CliProcess.RunAsync(_project.PathOf("reports/monthly"), null, "runs");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.True(runs.ExitCode == 0, runs.All);
        Assert.Matches(@"│ 1\s+│ tiny\s+│ 2024-03-01 │ success", runs.Output);
        Assert.Equal($"state folder: {_project.StateDirectory}", runs.Error.Trim());
        Assert.False(Directory.Exists(_project.PathOf("reports/monthly/.sluice")));
    }

    [Fact]
    public async Task Runs_where_there_is_no_project_says_where_it_looked_and_creates_nothing()
    {
        var folder = _project.PathOf("reports/monthly");

        var runs = await CliProcess.RunAsync(folder, null, "runs");

        Assert.True(runs.ExitCode == 0, runs.All);
        Assert.Contains($"no runs yet (no run history in {Path.Combine(folder, ".sluice")})", runs.Output);
        Assert.False(Directory.Exists(Path.Combine(folder, ".sluice")));
    }

    [Fact]
    public async Task A_connections_file_marks_the_project_root_before_its_first_run()
    {
        _project.Write("connections.yaml", "connections: {}\n");

        var run = await CliProcess.RunAsync(_project.PathOf("reports"), null, "run", "../pipeline.yaml", "--date", "2024-03-01");

        Assert.True(run.ExitCode == 0, run.All);
        Assert.Contains($"state folder: {_project.StateDirectory}", run.Error);
        Assert.True(File.Exists(Path.Combine(_project.StateDirectory, "sluice.db")));
        Assert.False(Directory.Exists(_project.PathOf("reports/.sluice")));
    }

    [Fact]
    public async Task The_state_dir_option_still_wins_over_the_folder_found()
    {
        var elsewhere = _project.PathOf("elsewhere-state");
        await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-01");

        var runs = await CliProcess.RunAsync(_project.PathOf("reports"), null, "runs", "--state-dir", elsewhere);

        Assert.Contains("no runs yet", runs.Output);
        Assert.Contains($"state folder: {elsewhere}", runs.Error);
    }

    [Fact]
    public async Task Resume_after_a_successful_run_says_every_task_was_reused()
    {
        await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-01");

        var resumed = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-01", "--resume");

        Assert.True(resumed.ExitCode == 0, resumed.All);
        Assert.Contains("succeeded: 2 tasks, 0 rows written (every task was reused from the previous successful run of this interval", resumed.Output);
    }

    [Fact]
    public async Task Schema_output_says_what_it_wrote()
    {
        var schema = await CliProcess.RunAsync(_project.Root, null, "schema", "--output", "schema/pipeline.json");

        Assert.True(schema.ExitCode == 0, schema.All);
        var path = _project.PathOf("schema/pipeline.json");
        Assert.Equal($"wrote the JSON Schema of pipeline files to {path}.", schema.Output.Trim());
        Assert.StartsWith("{", File.ReadAllText(path).TrimStart(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_port_from_the_environment_appears_in_an_error_but_a_token_never_does()
    {
        _project.Write("leaky.yaml", """
            name: leaky
            tasks:
              extract: { source: files, output: raw, with: { path: "in/${PG_PORT}/${API_TOKEN}/{{ ds }}.csv" } }
            """);
        var environment = new Dictionary<string, string> { ["PG_PORT"] = "54329", ["API_TOKEN"] = "tok-5e3a9c71" };

        var run = await CliProcess.RunAsync(_project.Root, environment, "run", "leaky.yaml", "--date", "2024-03-01");
        var tasks = await CliProcess.RunAsync(_project.Root, null, "runs", "--run", "1");

        Assert.Equal(1, run.ExitCode);
        Assert.Contains("in/54329/***/2024-03-01.csv", run.Error);
        Assert.Contains("54329", tasks.Output);
        Assert.DoesNotContain("tok-5e3a9c71", run.All);
        Assert.DoesNotContain("tok-5e3a9c71", tasks.All);
    }

    public void Dispose() => _project.Dispose();
}
