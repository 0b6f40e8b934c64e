using Sluice.Cli;
using Sluice.Execution;
using Sluice.Validation;

namespace Sluice.Transforms.Tests.Infrastructure;

/// <summary>
/// One small pipeline per test: <c>extract</c> reads in.csv (declared columns) into dataset
/// <c>raw</c>, <c>clean</c> runs the steps under test into dataset <c>out</c>, and optionally
/// <c>load</c> writes <c>out</c> to a DuckDB table, so a test can show that nothing was loaded.
/// </summary>
internal sealed class StepHarness : IDisposable
{
    public const string Date = "2024-03-01";

    public TestProject Project { get; } = new();

    public RunLog Log { get; } = new();

    public string Text { get; private set; } = string.Empty;

    /// <summary>
    /// Writes the pipeline. <paramref name="steps"/> are the lines of the steps list, unindented
    /// (e.g. "- drop_duplicates: { subset: [id] }"); <paramref name="task"/> adds lines to the
    /// steps task (e.g. "on_bad_rows: quarantine"); <paramref name="right"/> adds a second input
    /// dataset 'right' read from right.csv with the given columns.
    /// </summary>
    /// <remarks>
    /// With <paramref name="declared"/> false, 'raw' has no declared schema, so column mistakes surface
    /// when the task runs instead of in validation.
    /// </remarks>
    public StepHarness Write(string csv, string columns, string steps, string task = "", string? right = null, string? rightCsv = null, bool load = false, bool declared = true)
    {
        // A test that writes a second pipeline means a new one, not the next day of the first:
        // without this, 'out' would be held to the contract the first pipeline's run inferred.
        if (Directory.Exists(Project.StateDirectory))
        {
            Directory.Delete(Project.StateDirectory, recursive: true);
        }

        columns = YamlColumns(columns);
        right = right is null ? null : YamlColumns(right);
        Project.Write("in.csv", csv);
        var lines = new List<string> { "name: steps_test", "datasets:" };
        if (declared)
        {
            lines.Add($"  raw: {{ columns: {{ {columns} }} }}");
        }
        else if (right is null)
        {
            lines.RemoveAt(1);
        }

        if (right is not null)
        {
            lines.Add($"  right: {{ columns: {{ {right} }} }}");
            Project.Write("right.csv", rightCsv!);
        }

        lines.Add("tasks:");
        lines.Add("  extract: { source: files, output: raw, with: { path: in.csv } }");
        if (right is not null)
        {
            lines.Add("  extract_right: { source: files, output: right, with: { path: right.csv } }");
        }

        lines.Add("  clean:");
        lines.Add("    transform: steps");
        lines.Add(right is null ? "    inputs: [raw]" : "    inputs: [raw, right]");
        lines.Add("    output: out");
        lines.AddRange(task.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "    " + l));
        lines.Add("    with:");
        lines.Add("      steps:");
        lines.AddRange(steps.Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(l => "        " + l.TrimEnd('\r')));
        if (load)
        {
            lines.Add("  load: { sink: duckdb, input: out, with: { database: wh.duckdb, table: out, mode: replace } }");
        }

        Text = string.Join('\n', lines) + "\n";
        Project.Write("pipeline.yaml", Text);
        return this;
    }

    /// <summary>"id BIGINT, price DECIMAL(10,2)" as YAML mapping entries.</summary>
    private static string YamlColumns(string columns) =>
        System.Text.RegularExpressions.Regex.Replace(columns, @"(^|, )(\w+) ", "$1$2: ");

    /// <summary>"pipeline.yaml:line:column" of the first line containing <paramref name="text"/>, at that text.</summary>
    public string At(string text)
    {
        var lines = Text.Split('\n');
        var index = Array.FindIndex(lines, l => l.Contains(text, StringComparison.Ordinal));
        Assert.True(index >= 0, $"'{text}' is not in the pipeline");
        return $"pipeline.yaml:{index + 1}:{lines[index].IndexOf(text, StringComparison.Ordinal) + 1}";
    }

    /// <summary>Where a step's name is, as errors report it: the line of "- name:" at the name.</summary>
    public string StepAt(string step) => At(step + ":");

    public async Task<RunResult> RunAsync() => await Project.RunAsync("pipeline.yaml", Date, observer: Log);

    /// <summary>Runs and expects success; returns the output dataset.</summary>
    public async Task<Table> OutputAsync()
    {
        var result = await RunAsync();
        Assert.True(result.Succeeded, string.Join("\n", result.Tasks.Where(t => t.Error is not null).Select(t => $"{t.TaskId}: {t.Error}")));
        return Staged("out");
    }

    /// <summary>Runs and expects the steps task to fail; returns its error.</summary>
    public async Task<string> FailureAsync()
    {
        var result = await RunAsync();
        Assert.False(result.Succeeded);
        var clean = result.Tasks.Single(t => t.TaskId == "clean");
        Assert.Equal(State.TaskState.Failed, clean.State);
        Assert.Equal(1, clean.TryNumber); // bad steps and bad data are not retried
        return clean.Error!;
    }

    /// <summary>Validates as 'sluice validate' does; returns the message, with paths relative to the project.</summary>
    public string Invalid()
    {
        var error = Assert.Throws<PipelineValidationException>(() => PipelineLoader.LoadValid(Project.PathOf("pipeline.yaml"), SluiceHost.Catalog()));
        return error.Message.Replace(Project.Root + Path.DirectorySeparatorChar, string.Empty, StringComparison.Ordinal);
    }

    public bool HasStaged(string dataset) => File.Exists(Project.Staged("steps_test", Date, dataset));

    public Table Staged(string dataset) => Table.FromParquet(Project.Staged("steps_test", Date, dataset));

    public void Dispose() => Project.Dispose();
}
