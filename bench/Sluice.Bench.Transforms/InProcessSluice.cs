using System.Diagnostics;
using System.Globalization;
using Sluice.Connectors;
using Sluice.Connectors.DuckDb;
using Sluice.Connectors.Files;
using Sluice.Engine.DuckDb;
using Sluice.Execution;
using Sluice.Metadata.Sqlite;
using Sluice.Model;
using Sluice.State;
using Sluice.Transforms;
using Sluice.Validation;

namespace Sluice.Bench.Transforms;

/// <summary>One timed Sluice run: the whole RunAsync call, the measured task's own time, process CPU time, log lines.</summary>
internal sealed record SluiceRun(double WallSeconds, double TaskSeconds, double CpuSeconds, long RowsWritten, IReadOnlyList<string> Log);

/// <summary>
/// The real PipelineRunner with the CLI's connectors (files, steps, duckdb), a SQLite run history and
/// the dataset inspector, in this process: what <c>sluice run</c> does, without .NET start-up in the
/// timings. A run can be limited to some of the pipeline's tasks; with resume, the staged outputs of
/// tasks that succeeded before (the extracts) are reused, exactly as <c>sluice run --resume</c> does.
/// </summary>
internal sealed class InProcessSluice : IAsyncDisposable
{
    private readonly ConnectorCatalog _catalog;
    private readonly SqliteMetadataStore _store;
    private readonly PipelineRunner _runner;

    private InProcessSluice(string stateDir, SqliteMetadataStore store)
    {
        StateDir = stateDir;
        _store = store;
        var settings = DuckDbSettings.Default;
        _catalog = new ConnectorCatalog().Add(new FilesSource(settings)).Add(new StepsTransform(settings)).Add(new DuckDbSink(settings));
        _runner = new PipelineRunner(_catalog, store, stateDir, new DuckDbDatasetInspector());
    }

    public string StateDir { get; }

    /// <summary>Opens a fresh state folder (the old one is deleted).</summary>
    public static async Task<InProcessSluice> OpenAsync(string stateDir)
    {
        if (Directory.Exists(stateDir))
        {
            Directory.Delete(stateDir, recursive: true);
        }

        Directory.CreateDirectory(stateDir);
        return new InProcessSluice(stateDir, await SqliteMetadataStore.OpenAsync(Path.Combine(stateDir, "sluice.db")));
    }

    public PipelineDefinition Load(string path) => PipelineLoader.LoadValid(path, _catalog);

    /// <summary>Where the runner publishes a dataset of this pipeline and date.</summary>
    public string DatasetPath(PipelineDefinition pipeline, DateOnly date, string dataset) =>
        Path.Combine(StateDir, "artifacts", pipeline.Name, date.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture), dataset + ".parquet");

    /// <summary>Runs the named tasks of the pipeline (all when none are named); fails unless every task succeeds.</summary>
    public async Task<SluiceRun> RunAsync(PipelineDefinition pipeline, DateOnly date, bool resume, string? timedTask, params string[] tasks)
    {
        var subset = tasks.Length == 0 ? pipeline : pipeline with { Tasks = pipeline.Tasks.Where(t => tasks.Contains(t.Id)).ToList() };
        var observer = new LogObserver();
        var cpu = Stats.ProcessCpuSeconds();
        var watch = Stopwatch.StartNew();
        var result = await _runner.RunAsync(subset, new RunRequest { LogicalDate = date, Resume = resume }, observer);
        watch.Stop();
        var cpuSeconds = Stats.ProcessCpuSeconds() - cpu;
        if (!result.Succeeded)
        {
            throw new BenchException($"sluice run of {pipeline.Name} ({string.Join(", ", tasks)}) failed: {result.Run.Error}");
        }

        var timed = timedTask is null ? null : result.Tasks.Single(t => t.TaskId == timedTask);
        if (timed is { Reused: true })
        {
            throw new BenchException($"task {timedTask} was reused instead of run; its output was not deleted");
        }

        return new SluiceRun(watch.Elapsed.TotalSeconds, timed?.Duration?.TotalSeconds ?? double.NaN, cpuSeconds, timed?.RowsWritten ?? 0, observer.Lines);
    }

    public ValueTask DisposeAsync() => _store.DisposeAsync();

    private sealed class LogObserver : IRunObserver
    {
        private readonly List<string> _lines = [];

        public IReadOnlyList<string> Lines
        {
            get
            {
                lock (_lines)
                {
                    return [.. _lines];
                }
            }
        }

        public void Log(string taskId, string message)
        {
            lock (_lines)
            {
                _lines.Add($"[{taskId}] {message}");
            }
        }

        public void TaskChanged(TaskInstanceRecord task)
        {
        }
    }
}
