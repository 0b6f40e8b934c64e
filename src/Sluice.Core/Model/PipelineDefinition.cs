namespace Sluice.Model;

/// <summary>A pipeline: a DAG of tasks run once per data interval.</summary>
public sealed record PipelineDefinition
{
    public required string Name { get; init; }
    public string? Description { get; init; }
    /// <summary>Cron expression; null for a pipeline run only by hand.</summary>
    public string? Schedule { get; init; }
    public string TimeZone { get; init; } = "UTC";
    /// <summary>What one run covers: a day (default), a week or a month from its logical date.</summary>
    public Templating.IntervalUnit Interval { get; init; } = Templating.IntervalUnit.Day;
    public DateOnly? StartDate { get; init; }
    /// <summary>End date, catch-up, concurrent runs and SLAs, for the scheduler.</summary>
    public ScheduleSettings Scheduling { get; init; } = ScheduleSettings.Default;
    public RetrySettings DefaultRetry { get; init; } = RetrySettings.Default;
    public TimeSpan? DefaultTimeout { get; init; }
    public int MaxParallelTasks { get; init; } = 4;
    /// <summary>
    /// Whether a source may run inside the session of its one consumer instead of staging its output
    /// (<c>fuse_tasks</c>, see <see cref="Execution.TaskFusion"/>); false stages every dataset.
    /// </summary>
    public bool FuseTasks { get; init; } = true;
    public IReadOnlyDictionary<string, string> Parameters { get; init; } = new Dictionary<string, string>();
    public IReadOnlyList<DatasetDefinition> Datasets { get; init; } = [];
    public IReadOnlyList<TaskDefinition> Tasks { get; init; } = [];
    /// <summary>The project's named connections (from connections.yaml and the environment).</summary>
    public IReadOnlyList<ConnectionDefinition> Connections { get; init; } = [];
    /// <summary>The project's task pools (from pools.yaml): at most that many tasks of a pool run at once, across runs and processes.</summary>
    public IReadOnlyList<PoolDefinition> Pools { get; init; } = [];
    /// <summary>Names of the project's other pipelines (their files' names), for checks that refer to one; null when unknown (C# builds).</summary>
    public IReadOnlyList<string>? ProjectPipelines { get; init; }
    /// <summary>Shared storage that published datasets are copied to; null keeps them on this machine only.</summary>
    public ArtifactStoreDefinition? ArtifactStore { get; init; }
    /// <summary>Which recorded metrics are compared with their history after each run (<c>anomalies:</c>).</summary>
    public AnomalyDefinition Anomalies { get; init; } = AnomalyDefinition.Default;
    /// <summary>A KEY=VALUE file consulted for <c>${VAR}</c> after the environment.</summary>
    public string? SecretsFile { get; init; }
    /// <summary>Folder that relative paths in options resolve against.</summary>
    public string BaseDirectory { get; init; } = Directory.GetCurrentDirectory();
    public SourceLocation Location { get; init; } = SourceLocation.Code("<code>");

    public TaskDefinition? FindTask(string id) => Tasks.FirstOrDefault(t => t.Id == id);

    public DatasetDefinition? FindDataset(string name) => Datasets.FirstOrDefault(d => d.Name == name);

    public ConnectionDefinition? FindConnection(string name) => Connections.FirstOrDefault(c => c.Name == name);

    public PoolDefinition? FindPool(string name) => Pools.FirstOrDefault(p => p.Name == name);
}

public enum TaskKind
{
    Source,
    Transform,
    Sink,
    /// <summary>Waits for a condition (a file, an object, another pipeline's run) without holding a task slot.</summary>
    Sensor,
}

public enum BadRowPolicy
{
    Fail,
    Quarantine,
}

public sealed record TaskDefinition
{
    public required string Id { get; init; }
    public required TaskKind Kind { get; init; }
    /// <summary>The connector or transform name, for example <c>files</c>, <c>sql</c>, <c>duckdb</c>.</summary>
    public required string Connector { get; init; }
    public IReadOnlyList<string> Inputs { get; init; } = [];
    public IReadOnlyList<string> Outputs { get; init; } = [];
    public IReadOnlyList<string> DependsOn { get; init; } = [];
    public MapOption Options { get; init; } = new([], SourceLocation.Code("<code>"));
    public RetrySettings? Retry { get; init; }
    public TimeSpan? Timeout { get; init; }
    public BadRowPolicy OnBadRows { get; init; } = BadRowPolicy.Fail;
    public TriggerRule TriggerRule { get; init; } = TriggerRule.AllSuccess;
    /// <summary>The pool whose slots this task takes while it runs; null for none.</summary>
    public string? Pool { get; init; }
    /// <summary>Among tasks ready at once, higher priorities start first when slots are scarce.</summary>
    public int Priority { get; init; }
    /// <summary>Dataset that receives quarantined rows; defaults to <c>{output}_quarantine</c>.</summary>
    public string? QuarantineOutput { get; init; }
    /// <summary>
    /// <c>on_empty</c>; null when not written, which means <see cref="EmptyPolicy.Fail"/> for a sink
    /// (an empty load never removes rows unasked) and <see cref="EmptyPolicy.Warn"/> for a source.
    /// </summary>
    public EmptyPolicy? OnEmpty { get; init; }
    /// <summary>
    /// <c>on_new_fields</c>: what undeclared new columns in this task's outputs do; null when not
    /// written (see <see cref="NewFieldsPolicies.Effective"/>).
    /// </summary>
    public NewFieldsPolicy? OnNewFields { get; init; }
    /// <summary>Sinks: checks on the target table, run after the load commits (see <see cref="Connectors.ICheckableSink"/>).</summary>
    public IReadOnlyList<CheckDefinition> Checks { get; init; } = [];
    /// <summary>Sinks: metrics of the target table, recorded after the load commits.</summary>
    public IReadOnlyList<MetricDefinition> Metrics { get; init; } = [];
    /// <summary><c>incremental:</c> read only what changed since the last committed load; null reads the whole query.</summary>
    public IncrementalDefinition? Incremental { get; init; }
    public SourceLocation Location { get; init; } = SourceLocation.Code("<code>");
    /// <summary>Where each of the task's keys (<c>input</c>, <c>depends_on</c>...) was written.</summary>
    public IReadOnlyDictionary<string, SourceLocation> KeyLocations { get; init; } = new Dictionary<string, SourceLocation>();

    public SourceLocation LocationOf(params string[] keys) =>
        keys.Select(k => KeyLocations.GetValueOrDefault(k)).FirstOrDefault(l => l is not null) ?? Location;

    public string? EffectiveQuarantineOutput =>
        OnBadRows == BadRowPolicy.Quarantine ? QuarantineOutput ?? $"{Outputs.FirstOrDefault() ?? Id}_quarantine" : null;

    /// <summary>Every dataset this task writes, the quarantine dataset included.</summary>
    public IEnumerable<string> AllOutputs =>
        EffectiveQuarantineOutput is { } q ? Outputs.Append(q) : Outputs;
}

public sealed record RetrySettings(int Retries, TimeSpan Delay, double BackoffFactor, TimeSpan MaxDelay)
{
    public static RetrySettings Default { get; } = new(0, TimeSpan.FromSeconds(5), 2.0, TimeSpan.FromMinutes(5));

    /// <summary>Delay before retry number <paramref name="retry"/> (1-based), with exponential backoff.</summary>
    public TimeSpan DelayBefore(int retry)
    {
        var factor = Math.Pow(BackoffFactor, Math.Max(0, retry - 1));
        var ticks = Math.Min(Delay.Ticks * factor, MaxDelay.Ticks);
        return TimeSpan.FromTicks((long)ticks);
    }
}

/// <summary>A declared dataset schema: the contract a task's output must honour.</summary>
public sealed record DatasetDefinition
{
    public required string Name { get; init; }
    public IReadOnlyList<ColumnDefinition> Columns { get; init; } = [];
    /// <summary>Data checks run on what the writing task staged, before it is published.</summary>
    public IReadOnlyList<CheckDefinition> Checks { get; init; } = [];
    /// <summary>Aggregates computed in the checks' scan and recorded as <c>metric_observed</c> events.</summary>
    public IReadOnlyList<MetricDefinition> Metrics { get; init; } = [];
    public SourceLocation Location { get; init; } = SourceLocation.Code("<code>");
}

public sealed record ColumnDefinition(string Name, string Type, bool Nullable = true)
{
    /// <summary>The largest share of NULLs (0..1) a task's output may hold in this column; null means no bound.</summary>
    public double? MaxNullFraction { get; init; }

    /// <summary>Where the column was declared, so a broken contract points at its declaration.</summary>
    public SourceLocation? Location { get; init; }

    // Where a column was written down is not part of what it is: the same column declared in YAML
    // and in code, or read back from a Parquet file, is equal.
    public bool Equals(ColumnDefinition? other) =>
        other is not null && Name == other.Name && Type == other.Type && Nullable == other.Nullable && MaxNullFraction == other.MaxNullFraction;

    public override int GetHashCode() => HashCode.Combine(Name, Type, Nullable, MaxNullFraction);
}
