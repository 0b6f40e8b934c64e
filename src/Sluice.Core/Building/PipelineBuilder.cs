using System.Globalization;
using System.Runtime.CompilerServices;
using Sluice.Model;

namespace Sluice.Building;

/// <summary>
/// Code-first pipelines. Produces the same <see cref="PipelineDefinition"/> as the YAML loader, and is
/// validated the same way before a run.
/// </summary>
public sealed partial class PipelineBuilder
{
    private readonly List<TaskBuilder> _tasks = [];
    private readonly List<DatasetDefinition> _datasets = [];
    private readonly Dictionary<string, string> _parameters = [];
    private readonly List<ConnectionDefinition> _connections = [];
    private PipelineDefinition _pipeline;

    private PipelineBuilder(string name, SourceLocation location) =>
        _pipeline = new PipelineDefinition { Name = name, Location = location, BaseDirectory = CallSite.DefaultBaseDirectory(location.File) };

    /// <summary>
    /// Starts a pipeline. Relative option paths resolve against the folder of the calling source file
    /// when it exists on this machine, else against the application's folder
    /// (<see cref="AppContext.BaseDirectory"/>); never the current directory. <see cref="BaseDirectory"/> overrides it.
    /// </summary>
    public static PipelineBuilder Create(string name, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        new(name, CallSite.At(file, line, "Create("));

    public PipelineBuilder Description(string description) => With(p => p with { Description = description });

    public PipelineBuilder Schedule(string cron, string timeZone = "UTC") => With(p => p with { Schedule = cron, TimeZone = timeZone });

    public PipelineBuilder Interval(Templating.IntervalUnit unit) => With(p => p with { Interval = unit });

    public PipelineBuilder StartDate(DateOnly date) => With(p => p with { StartDate = date });

    public PipelineBuilder MaxParallelTasks(int count) => With(p => p with { MaxParallelTasks = count });

    /// <summary>Whether a source may run inside its one consumer's session instead of staging its output (default true).</summary>
    public PipelineBuilder FuseTasks(bool fuse) => With(p => p with { FuseTasks = fuse });

    /// <summary>Copies every published dataset to shared storage, e.g. <c>ArtifactStore("lake", "s3://bucket/sluice-artifacts")</c>.</summary>
    public PipelineBuilder ArtifactStore(string connection, string location) =>
        With(p => p with { ArtifactStore = new ArtifactStoreDefinition(connection, location, p.Location) });

    /// <summary>The folder relative option paths resolve against; a relative folder is taken from the default one (see <see cref="Create"/>), not from the current directory.</summary>
    public PipelineBuilder BaseDirectory(string directory) => With(p => p with { BaseDirectory = Path.GetFullPath(directory, p.BaseDirectory) });

    public PipelineBuilder Retries(int retries, TimeSpan? delay = null, double backoff = 2.0, TimeSpan? maxDelay = null) =>
        With(p => p with { DefaultRetry = new RetrySettings(retries, delay ?? RetrySettings.Default.Delay, backoff, maxDelay ?? RetrySettings.Default.MaxDelay) });

    public PipelineBuilder Timeout(TimeSpan timeout) => With(p => p with { DefaultTimeout = timeout });

    public PipelineBuilder Parameter(string name, string value)
    {
        _parameters[name] = value;
        return this;
    }

    /// <summary>A named connection; put secrets in as <c>${VAR}</c> references, not values.</summary>
    public PipelineBuilder Connection(string name, string type, IEnumerable<KeyValuePair<string, string>> options, [CallerLineNumber] int line = 0)
    {
        var location = At(line, name);
        var map = new MapOption(options.Select(o => new KeyValuePair<string, OptionValue>(o.Key, new ScalarOption(o.Value, location))).ToList(), location);
        _connections.Add(new ConnectionDefinition(name, type, map, location));
        return this;
    }

    public PipelineBuilder SecretsFile(string path) => With(p => p with { SecretsFile = Path.GetFullPath(path, p.BaseDirectory) });

    public PipelineBuilder Dataset(string name, Action<DatasetBuilder> configure, [CallerLineNumber] int line = 0)
    {
        var builder = new DatasetBuilder(_pipeline.Location.File);
        configure(builder);
        _datasets.Add(new DatasetDefinition { Name = name, Columns = builder.Columns, Checks = builder.Checks, Metrics = builder.Metrics, Location = At(line, name) });
        return this;
    }

    public PipelineBuilder Source(string id, string connector, Action<TaskBuilder> configure, [CallerLineNumber] int line = 0) =>
        AddTask(id, TaskKind.Source, connector, configure, line);

    public PipelineBuilder Transform(string id, string connector, Action<TaskBuilder> configure, [CallerLineNumber] int line = 0) =>
        AddTask(id, TaskKind.Transform, connector, configure, line);

    public PipelineBuilder Sink(string id, string connector, Action<TaskBuilder> configure, [CallerLineNumber] int line = 0) =>
        AddTask(id, TaskKind.Sink, connector, configure, line);

    /// <summary>A task that waits for a condition: <c>file</c>, <c>s3</c>, <c>http</c> or <c>pipeline</c>, with <c>poke_interval</c>, <c>timeout</c>, <c>mode</c>, <c>soft_fail</c>.</summary>
    public PipelineBuilder Sensor(string id, string connector, Action<TaskBuilder> configure, [CallerLineNumber] int line = 0) =>
        AddTask(id, TaskKind.Sensor, connector, configure, line);

    /// <summary>A pool tasks can name with <see cref="TaskBuilder.Pool"/>; in YAML projects pools come from pools.yaml.</summary>
    public PipelineBuilder Pool(string name, int slots, [CallerLineNumber] int line = 0) =>
        With(p => p with { Pools = [.. p.Pools.Where(x => x.Name != name), new PoolDefinition(name, slots, _pipeline.Location with { Line = line, Column = 1 })] });

    /// <summary>
    /// The pipeline, with each task's retry and timeout settings resolved against the pipeline's
    /// defaults exactly as the YAML loader resolves them, so both describe the same model.
    /// </summary>
    public PipelineDefinition Build() =>
        _pipeline with
        {
            Tasks = _tasks.Select(t => t.Build(_pipeline.DefaultRetry, _pipeline.DefaultTimeout)).ToList(),
            Datasets = _datasets.ToList(),
            Parameters = new Dictionary<string, string>(_parameters),
            Connections = _connections.ToList(),
        };

    private PipelineBuilder AddTask(string id, TaskKind kind, string connector, Action<TaskBuilder> configure, int line)
    {
        var builder = new TaskBuilder(id, kind, connector, At(line, id), _pipeline.Location.File);
        configure(builder);
        _tasks.Add(builder);
        return this;
    }

    private PipelineBuilder With(Func<PipelineDefinition, PipelineDefinition> change)
    {
        _pipeline = change(_pipeline);
        return this;
    }

    /// <summary>The call site of a builder method, at the quoted name it was given when the source is here.</summary>
    private SourceLocation At(int line, string? name = null) => CallSite.At(_pipeline.Location.File, line, name is null ? null : "\"" + name + "\"");
}

public sealed partial class DatasetBuilder
{
    internal List<ColumnDefinition> Columns { get; } = [];

    public DatasetBuilder Column(string name, string type, bool nullable = true, double? maxNullFraction = null)
    {
        if (maxNullFraction is { } fraction && fraction is not (>= 0 and <= 1))
        {
            throw new ArgumentOutOfRangeException(nameof(maxNullFraction), fraction, $"max_null_fraction of column '{name}' must be a number from 0 to 1.");
        }

        Columns.Add(new ColumnDefinition(name, type.ToUpperInvariant(), nullable) { MaxNullFraction = maxNullFraction });
        return this;
    }
}

public sealed partial class TaskBuilder
{
    private readonly SourceLocation _location;
    private readonly string _file;
    private readonly string _id;
    private readonly TaskKind _kind;
    private readonly string _connector;
    private readonly List<string> _inputs = [];
    private readonly List<string> _outputs = [];
    private readonly List<string> _dependsOn = [];
    private readonly List<KeyValuePair<string, OptionValue>> _options = [];
    private int? _retries;
    private TimeSpan? _retryDelay;
    private double? _backoff;
    private TimeSpan? _maxRetryDelay;
    private TimeSpan? _timeout;
    private BadRowPolicy _policy = BadRowPolicy.Fail;
    private TriggerRule _trigger = TriggerRule.AllSuccess;
    private string? _quarantine;
    private EmptyPolicy? _onEmpty;
    private string? _pool;
    private int _priority;
    private NewFieldsPolicy? _onNewFields;

    internal TaskBuilder(string id, TaskKind kind, string connector, SourceLocation location, string file)
    {
        _file = file;
        _id = id;
        _kind = kind;
        _connector = connector;
        _location = location;
    }

    public TaskBuilder Input(params string[] datasets)
    {
        _inputs.AddRange(datasets);
        return this;
    }

    public TaskBuilder Output(params string[] datasets)
    {
        _outputs.AddRange(datasets);
        return this;
    }

    public TaskBuilder DependsOn(params string[] tasks)
    {
        _dependsOn.AddRange(tasks);
        return this;
    }

    /// <summary>Retry settings of this task; what is not given comes from the pipeline's defaults.</summary>
    public TaskBuilder Retries(int retries, TimeSpan? delay = null, double? backoff = null, TimeSpan? maxDelay = null)
    {
        (_retries, _retryDelay, _backoff, _maxRetryDelay) = (retries, delay, backoff, maxDelay);
        return this;
    }

    public TaskBuilder Timeout(TimeSpan timeout)
    {
        _timeout = timeout;
        return this;
    }

    /// <summary>When the task runs given its upstream tasks' outcomes (default: all succeeded).</summary>
    public TaskBuilder Trigger(TriggerRule rule)
    {
        _trigger = rule;
        return this;
    }

    public TaskBuilder Quarantine(string? dataset = null)
    {
        _policy = BadRowPolicy.Quarantine;
        _quarantine = dataset;
        return this;
    }

    /// <summary><c>on_empty</c>: what an empty extract (source) or a load that would empty rows (sink) does.</summary>
    public TaskBuilder OnEmpty(EmptyPolicy policy)
    {
        _onEmpty = policy;
        return this;
    }

    /// <summary>Takes a slot of this pool while the task runs.</summary>
    public TaskBuilder Pool(string pool)
    {
        _pool = pool;
        return this;
    }

    /// <summary><c>on_new_fields</c>: what columns the output's contract does not name do.</summary>
    public TaskBuilder OnNewFields(NewFieldsPolicy policy)
    {
        _onNewFields = policy;
        return this;
    }

    /// <summary>Among ready tasks, higher starts first when slots are scarce.</summary>
    public TaskBuilder Priority(int priority)
    {
        _priority = priority;
        return this;
    }

    // Each With takes its own call site, so an error in an option points at the line that sets it.
    public TaskBuilder With(string option, string value, [CallerLineNumber] int line = 0) => Add(option, line, at => new ScalarOption(value, at));

    public TaskBuilder With(string option, long value, [CallerLineNumber] int line = 0) => With(option, value.ToString(CultureInfo.InvariantCulture), line);

    public TaskBuilder With(string option, bool value, [CallerLineNumber] int line = 0) => With(option, value ? "true" : "false", line);

    public TaskBuilder With(string option, IEnumerable<string> values, [CallerLineNumber] int line = 0) =>
        Add(option, line, at => new ListOption(values.Select(v => (OptionValue)new ScalarOption(v, at)).ToList(), at));

    public TaskBuilder With(string option, IEnumerable<KeyValuePair<string, string>> map, [CallerLineNumber] int line = 0) =>
        Add(option, line, at => new MapOption(map.Select(e => new KeyValuePair<string, OptionValue>(e.Key, new ScalarOption(e.Value, at))).ToList(), at));

    internal TaskDefinition Build(RetrySettings pipelineRetry, TimeSpan? pipelineTimeout) => new()
    {
        Id = _id,
        Kind = _kind,
        Connector = _connector,
        Inputs = _inputs.ToList(),
        Outputs = _outputs.ToList(),
        DependsOn = _dependsOn.ToList(),
        Options = new MapOption(_options.ToList(), _location),
        Retry = new RetrySettings(
            _retries ?? pipelineRetry.Retries,
            _retryDelay ?? pipelineRetry.Delay,
            _backoff ?? pipelineRetry.BackoffFactor,
            _maxRetryDelay ?? pipelineRetry.MaxDelay),
        Timeout = _timeout ?? pipelineTimeout,
        OnBadRows = _policy,
        TriggerRule = _trigger,
        QuarantineOutput = _quarantine,
        OnEmpty = _onEmpty,
        Pool = _pool,
        Priority = _priority,
        OnNewFields = _onNewFields,
        Checks = _checks.ToList(),
        Metrics = _metrics.ToList(),
        Location = _location,
    };

    private TaskBuilder Add(string option, int line, Func<SourceLocation, OptionValue> value)
    {
        var at = line > 0 ? CallSite.At(_file, line, "\"" + option + "\"") : _location;
        _options.Add(new(option, value(at) with { KeyLocation = at }));
        return this;
    }
}
