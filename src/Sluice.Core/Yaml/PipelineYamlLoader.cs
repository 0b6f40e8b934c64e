using System.Globalization;
using Sluice.Connectors;
using Sluice.Model;
using Sluice.Validation;
using YamlDotNet.Core;
using YamlDotNet.RepresentationModel;

namespace Sluice.Yaml;

/// <summary>
/// Reads a pipeline YAML file into the model. Structural problems are collected with their file,
/// line and column; semantic checks happen in <see cref="PipelineValidator"/>.
/// </summary>
public static partial class PipelineYamlLoader
{
    private static readonly string[] TopLevelKeys =
        ["name", "description", "schedule", "interval", "timezone", "start_date", "end_date", "catchup", "max_active_runs", "sla", "max_parallel_tasks", "fuse_tasks", "defaults", "params", "datasets", "tasks", "artifacts", "anomalies"];

    private static readonly string[] RetryKeys = ["retries", "retry_delay", "retry_backoff", "max_retry_delay", "timeout"];

    private static readonly string[] TaskKeys =
        [.. RetryKeys, "source", "transform", "sink", "sensor", "input", "inputs", "output", "outputs", "depends_on", "on_bad_rows", "on_empty", "on_new_fields", "quarantine_output", "trigger_rule", "pool", "priority", "with", "description", "checks", "metrics", "incremental"];

    public static PipelineDefinition LoadFile(string path)
    {
        var fullPath = Path.GetFullPath(path);
        if (!File.Exists(fullPath))
        {
            throw new SluiceException($"pipeline file '{path}' does not exist.");
        }

        var directory = Path.GetDirectoryName(fullPath)!;
        var connections = ConnectionsLoader.Load(ConnectionsLoader.FindFile(directory));
        var secrets = Templating.SecretsFile.Find(directory);
        var pools = PoolsLoader.Load(PoolsLoader.FindFile(directory));
        var neighbours = ProjectPipelineNames(directory);
        try
        {
            return Load(File.ReadAllText(fullPath), DisplayPath(fullPath), directory) with { Connections = connections, SecretsFile = secrets, Pools = pools, ProjectPipelines = neighbours };
        }
        catch (PipelineValidationException e) when (e.Partial is not null)
        {
            throw new PipelineValidationException(e.Errors) { Partial = e.Partial with { Connections = connections, SecretsFile = secrets, Pools = pools, ProjectPipelines = neighbours } };
        }
    }

    /// <summary>
    /// The pipelines of the project, by the names of their files (a pipeline is found by name as &lt;name&gt;.yaml):
    /// those beside this one and in the working folder's pipelines/ and examples/*/ folders, minus the project's settings files.
    /// </summary>
    private static List<string> ProjectPipelineNames(string directory)
    {
        string[] settings = [ConnectionsLoader.FileName, PoolsLoader.FileName, "alerts.yaml"];
        var folders = new List<string> { directory, Directory.GetCurrentDirectory(), Path.GetFullPath("pipelines") };
        if (Directory.Exists("examples"))
        {
            folders.AddRange(Directory.EnumerateDirectories("examples").Select(Path.GetFullPath));
        }

        return folders.Where(Directory.Exists).Distinct()
            .SelectMany(f => Directory.EnumerateFiles(f, "*.yaml").Concat(Directory.EnumerateFiles(f, "*.yml")))
            .Where(f => !settings.Contains(Path.GetFileName(f)))
            .Select(Path.GetFileNameWithoutExtension)
            .OfType<string>()
            .Distinct(StringComparer.Ordinal)
            .ToList();
    }

    /// <summary>A path as errors show it: relative to the working folder when below it, else absolute.</summary>
    internal static string DisplayPath(string fullPath)
    {
        var relative = Path.GetRelativePath(Directory.GetCurrentDirectory(), fullPath);
        return relative.StartsWith("..", StringComparison.Ordinal) ? fullPath : relative;
    }

    /// <summary>Parses YAML text; <paramref name="fileName"/> is used in error locations.</summary>
    public static PipelineDefinition Load(string yaml, string fileName, string baseDirectory)
    {
        var errors = new List<PipelineError>();
        var stream = new YamlStream();
        try
        {
            stream.Load(new StringReader(yaml));
        }
        catch (Exception e) when ((e is YamlException or InvalidOperationException) && YamlErrorLocator.FirstIndentingTab(yaml) is { } tab)
        {
            throw new PipelineValidationException([new PipelineError(new SourceLocation(fileName, tab.Line, tab.Column), YamlErrorLocator.TabHint)]);
        }
        catch (YamlException e)
        {
            var message = e.InnerException?.Message ?? e.Message;
            throw new PipelineValidationException([new PipelineError(new SourceLocation(fileName, (int)e.Start.Line, (int)e.Start.Column), $"invalid YAML: {message}")]);
        }
        catch (InvalidOperationException)
        {
            // YamlDotNet's scanner fails this way on some unclosed flow collections, without a position.
            var (line, column) = YamlErrorLocator.LastGoodPosition(yaml);
            throw new PipelineValidationException([new PipelineError(new SourceLocation(fileName, line, column), "invalid YAML: the text after this point cannot be parsed. Look for an unclosed '{', '[' or quote.")]);
        }

        var nodes = new YamlNodes(fileName, errors);
        if (stream.Documents.Count == 0 || nodes.Mapping(stream.Documents[0].RootNode, "a pipeline file") is not { } root)
        {
            errors.Add(new PipelineError(new SourceLocation(fileName, 1, 1), "a pipeline file must be a mapping with at least 'name' and 'tasks'."));
            throw new PipelineValidationException(errors);
        }

        var pipeline = ReadPipeline(root, nodes, fileName, baseDirectory);
        if (errors.Count > 0)
        {
            throw new PipelineValidationException(errors) { Partial = pipeline };
        }

        return pipeline;
    }

    private static PipelineDefinition ReadPipeline(YamlMappingNode root, YamlNodes nodes, string fileName, string baseDirectory)
    {
        string? name = null, description = null, schedule = null, timeZone = null;
        DateOnly? startDate = null;
        var interval = Templating.IntervalUnit.Day;
        var maxParallel = 4;
        var fuseTasks = true;
        var retry = RetrySettings.Default;
        TimeSpan? timeout = null;
        var parameters = new Dictionary<string, string>();
        var datasets = new List<DatasetDefinition>();
        var tasks = new List<TaskDefinition>();
        ArtifactStoreDefinition? artifactStore = null;
        var scheduling = ScheduleSettings.Default;
        YamlNode? anomalies = null;
        // Defaults apply to every task wherever they are written, so read them first.
        if (root.Children.FirstOrDefault(c => (c.Key as YamlScalarNode)?.Value == "defaults").Value is YamlMappingNode early)
        {
            (retry, timeout) = ReadRetry(early, new YamlNodes(fileName, []), RetrySettings.Default, null, "defaults", RetryKeys);
        }

        foreach (var (key, keyNode, value) in nodes.Entries(root, "the pipeline", TopLevelKeys))
        {
            switch (key)
            {
                case "name": name = nodes.Scalar(value, "name"); break;
                case "description": description = nodes.Scalar(value, "description"); break;
                case "schedule": schedule = nodes.Scalar(value, "schedule"); break;
                case "timezone": timeZone = nodes.Scalar(value, "timezone"); break;
                case "interval":
                    var unit = nodes.Scalar(value, "interval");
                    interval = unit switch
                    {
                        "daily" or "day" => Templating.IntervalUnit.Day,
                        "weekly" or "week" => Templating.IntervalUnit.Week,
                        "monthly" or "month" => Templating.IntervalUnit.Month,
                        _ => interval,
                    };
                    if (unit is not ("daily" or "day" or "weekly" or "week" or "monthly" or "month"))
                    {
                        nodes.Error(value, $"interval must be one of: daily, weekly, monthly (got '{unit}').");
                    }

                    break;
                case "start_date": startDate = ReadDate(value, nodes, key); break;
                case "end_date" or "catchup" or "max_active_runs" or "sla": scheduling = ReadScheduling(scheduling, key, value, nodes); break;
                case "max_parallel_tasks": maxParallel = ReadInt(value, nodes, "max_parallel_tasks", 1) ?? maxParallel; break;
                case "fuse_tasks":
                    var fuseText = nodes.Scalar(value, key);
                    if (Connectors.OptionParsing.ParseBool(fuseText) is { } fuse)
                    {
                        fuseTasks = fuse;
                    }
                    else
                    {
                        nodes.Error(value, $"fuse_tasks must be true or false (got '{fuseText}').");
                    }

                    break;
                case "defaults":
                    if (nodes.Mapping(value, "defaults") is { } defaults)
                    {
                        (retry, timeout) = ReadRetry(defaults, nodes, RetrySettings.Default, null, "defaults", RetryKeys);
                    }

                    break;
                case "params":
                    if (nodes.Mapping(value, "params") is { } map)
                    {
                        foreach (var (k, _, v) in nodes.Entries(map, "params", []))
                        {
                            parameters[k] = nodes.Scalar(v, $"params.{k}") ?? string.Empty;
                        }
                    }

                    break;
                case "artifacts": artifactStore = ReadArtifactStore(value, nodes); break;
                case "anomalies": anomalies = value; break;
                case "datasets":
                    if (nodes.Mapping(value, "datasets") is { } ds)
                    {
                        datasets.AddRange(ReadDatasets(ds, nodes));
                    }

                    break;
                case "tasks":
                    if (nodes.Mapping(value, "tasks") is { } taskMap)
                    {
                        foreach (var (id, idNode, body) in nodes.Entries(taskMap, "tasks", []))
                        {
                            if (ReadTask(id, idNode, body, nodes, retry, timeout) is { } task)
                            {
                                tasks.Add(task);
                            }
                        }
                    }

                    break;
            }
        }

        if (name is null)
        {
            nodes.Error(root, "the pipeline needs a 'name'.");
        }

        return new PipelineDefinition
        {
            Name = name ?? string.Empty,
            Description = description,
            Schedule = schedule,
            TimeZone = timeZone ?? "UTC",
            Interval = interval,
            StartDate = startDate,
            Scheduling = scheduling,
            MaxParallelTasks = maxParallel,
            FuseTasks = fuseTasks,
            ArtifactStore = artifactStore,
            // Read last: min_history written as a length depends on the interval, wherever that is written.
            Anomalies = anomalies is null ? AnomalyDefinition.Default : ReadAnomalies(anomalies, nodes, interval),
            DefaultRetry = retry,
            DefaultTimeout = timeout,
            Parameters = parameters,
            Datasets = datasets,
            Tasks = tasks,
            BaseDirectory = baseDirectory,
            Location = new SourceLocation(fileName, 1, 1),
        };
    }

    private static DateOnly? ReadDate(YamlNode value, YamlNodes nodes, string key)
    {
        var text = nodes.Scalar(value, key);
        if (DateOnly.TryParseExact(text, "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var date))
        {
            return date;
        }

        nodes.Error(value, $"{key} must be a date as YYYY-MM-DD (got '{text}').");
        return null;
    }

    private static int? ReadInt(YamlNode value, YamlNodes nodes, string key, int minimum)
    {
        var text = nodes.Scalar(value, key);
        if (int.TryParse(text, NumberStyles.Integer, CultureInfo.InvariantCulture, out var number) && number >= minimum)
        {
            return number;
        }

        nodes.Error(value, $"{key} must be a whole number of at least {minimum} (got '{text}').");
        return null;
    }

    private static TimeSpan? ReadDuration(YamlNode value, YamlNodes nodes, string key)
    {
        var text = nodes.Scalar(value, key);
        if (OptionParsing.ParseDuration(text) is { } duration)
        {
            return duration;
        }

        nodes.Error(value, $"{key} must be a duration such as 500ms, 30s, 5m or 1h (got '{text}').");
        return null;
    }
}
