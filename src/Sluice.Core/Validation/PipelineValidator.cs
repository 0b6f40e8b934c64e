using System.Text.RegularExpressions;
using Cronos;
using Sluice.Connectors;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.Validation;

/// <summary>
/// Checks a whole pipeline before anything runs: names, schedule, connectors and their options,
/// datasets that nothing writes, and cycles. Every problem is reported, not only the first.
/// </summary>
public static partial class PipelineValidator
{
    public static void EnsureValid(PipelineDefinition pipeline, ConnectorCatalog catalog)
    {
        var errors = Validate(pipeline, catalog);
        if (errors.Count > 0)
        {
            throw new PipelineValidationException(errors);
        }
    }

    public static IReadOnlyList<PipelineError> Validate(PipelineDefinition pipeline, ConnectorCatalog catalog)
    {
        var errors = new List<PipelineError>();
        CheckHeader(pipeline, errors);
        var producers = CheckOutputs(pipeline, errors);
        foreach (var task in pipeline.Tasks)
        {
            CheckTask(pipeline, task, catalog, producers, errors);
        }

        ArtifactStoreValidator.Check(pipeline, catalog, errors);
        AnomalyValidator.Check(pipeline, [.. producers.Keys, .. Checks.TableCheckTargets.Of(pipeline, catalog)], errors);
        if (PipelineGraph.Of(pipeline).Cycle is null)
        {
            CheckValidator.Check(pipeline, errors);
        }

        foreach (var dataset in pipeline.Datasets.Where(d => !producers.ContainsKey(d.Name)))
        {
            errors.Add(new(dataset.Location, $"dataset '{dataset.Name}' is declared but no task writes it. Add it to a task's 'output', or remove the declaration."));
        }

        if (PipelineGraph.Of(pipeline).Cycle is { } cycle)
        {
            var first = pipeline.FindTask(cycle[0])!;
            errors.Add(new(first.Location, $"the tasks form a cycle: {string.Join(" -> ", cycle)}. A pipeline must be a DAG; remove one of these dependencies."));
        }

        return errors;
    }

    private static void CheckHeader(PipelineDefinition pipeline, List<PipelineError> errors)
    {
        if (!Identifier().IsMatch(pipeline.Name))
        {
            errors.Add(new(pipeline.Location, $"pipeline name '{pipeline.Name}' must start with a letter and use only letters, digits, '_' and '-'."));
        }

        if (pipeline.Tasks.Count == 0)
        {
            errors.Add(new(pipeline.Location, "the pipeline has no tasks. Add at least one under 'tasks:'."));
        }

        if (!string.IsNullOrWhiteSpace(pipeline.Schedule))
        {
            try
            {
                var fields = pipeline.Schedule.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
                CronExpression.Parse(pipeline.Schedule, fields == 6 ? CronFormat.IncludeSeconds : CronFormat.Standard);
            }
            catch (CronFormatException e)
            {
                errors.Add(new(pipeline.Location, $"schedule '{pipeline.Schedule}' is not a valid cron expression ({e.Message}). Example: \"0 2 * * *\" for 02:00 every day."));
            }
        }

        try
        {
            TimeZoneInfo.FindSystemTimeZoneById(pipeline.TimeZone);
        }
        catch (TimeZoneNotFoundException)
        {
            errors.Add(new(pipeline.Location, $"timezone '{pipeline.TimeZone}' is unknown. Use an IANA name such as UTC or Europe/Paris."));
        }
    }

    private static Dictionary<string, TaskDefinition> CheckOutputs(PipelineDefinition pipeline, List<PipelineError> errors)
    {
        var producers = new Dictionary<string, TaskDefinition>(StringComparer.Ordinal);
        foreach (var task in pipeline.Tasks)
        {
            if (!Identifier().IsMatch(task.Id))
            {
                errors.Add(new(task.Location, $"task id '{task.Id}' must start with a letter and use only letters, digits, '_' and '-'."));
            }

            foreach (var output in task.AllOutputs)
            {
                if (!Identifier().IsMatch(output))
                {
                    errors.Add(new(task.Location, $"task '{task.Id}': dataset name '{output}' must start with a letter and use only letters, digits, '_' and '-'."));
                }
                else if (!producers.TryAdd(output, task))
                {
                    errors.Add(new(task.Location, $"task '{task.Id}' writes dataset '{output}', which task '{producers[output].Id}' already writes. Each dataset has one writer; rename one of them."));
                }
            }
        }

        return producers;
    }

    private static void CheckTask(PipelineDefinition pipeline, TaskDefinition task, ConnectorCatalog catalog, Dictionary<string, TaskDefinition> producers, List<PipelineError> errors)
    {
        var kind = OptionValidator.KindWord(task.Kind);
        foreach (var input in task.Inputs.Where(i => !producers.ContainsKey(i)))
        {
            errors.Add(new(task.LocationOf("input", "inputs"), $"task '{task.Id}': " + Suggestions.UnknownName("input dataset", input, producers.Keys) + " An input must be the output of another task."));
        }

        foreach (var dependency in task.DependsOn.Where(d => pipeline.FindTask(d) is null))
        {
            errors.Add(new(task.LocationOf("depends_on"), $"task '{task.Id}': depends_on " + Suggestions.UnknownName("task", dependency, pipeline.Tasks.Select(t => t.Id))));
        }

        switch (task.Kind)
        {
            case TaskKind.Source when task.Outputs.Count != 1:
                errors.Add(new(task.Location, $"source task '{task.Id}' must have exactly one 'output' dataset."));
                break;
            case TaskKind.Transform when task.Outputs.Count == 0:
                errors.Add(new(task.Location, $"transform task '{task.Id}' needs an 'output' dataset."));
                break;
            case TaskKind.Sink when task.Inputs.Count != 1 || task.Outputs.Count > 0:
                errors.Add(new(task.Location, $"sink task '{task.Id}' must have exactly one 'input' dataset and no outputs."));
                break;
            case TaskKind.Sensor when task.Inputs.Count > 0 || task.Outputs.Count > 0:
                errors.Add(new(task.Location, $"sensor task '{task.Id}' waits for a condition and has no inputs or outputs; order it with 'depends_on' on the tasks that wait for it."));
                break;
        }

        if (task.Pool is { } pool && pipeline.FindPool(pool) is null)
        {
            errors.Add(new(task.LocationOf("pool"), $"task '{task.Id}': " + Suggestions.UnknownName("pool", pool, pipeline.Pools.Select(p => p.Name)) + $" Declare pools in {Yaml.PoolsLoader.FileName} beside the pipeline: pools: {{ {pool}: 4 }}."));
        }

        if ((task.Timeout ?? pipeline.DefaultTimeout) is { } timeout && (timeout < TimeSpan.FromMilliseconds(10) || timeout > TimeSpan.FromDays(1)))
        {
            errors.Add(new(task.LocationOf("timeout"), $"task '{task.Id}': timeout {timeout} is out of range; use between 10ms and 24h (a longer job should be split, or run without a timeout)."));
        }

        var connector = catalog.Find(task.Kind, task.Connector);
        if (task.OnBadRows == BadRowPolicy.Quarantine && connector is { SupportsQuarantine: false })
        {
            errors.Add(new(task.LocationOf("on_bad_rows"), $"task '{task.Id}': on_bad_rows: quarantine applies to tasks that find bad rows (sources, and transform 'steps'); {OptionValidator.KindWord(task.Kind)} '{task.Connector}' cannot set rows aside."));
        }

        if (task.Incremental is not null && connector is not null && !connector.SupportsIncremental)
        {
            errors.Add(new(task.LocationOf("incremental"), $"task '{task.Id}': incremental applies to sources that read by a cursor (postgres, sqlite, http); {OptionValidator.KindWord(task.Kind)} '{task.Connector}' cannot. Remove 'incremental', or read with one of those sources."));
        }

        if (task.OnEmpty is not null && task.Kind == TaskKind.Transform)
        {
            // Said and ignored would be worse than refused: the user expects it to guard something.
            errors.Add(new(task.LocationOf("on_empty"), $"task '{task.Id}': on_empty applies to sources (zero rows extracted) and sinks (an empty load that would remove rows); put it on the task that extracts or loads this data."));
        }

        if (task.OnNewFields is not null && task.Kind == TaskKind.Sink)
        {
            errors.Add(new(task.LocationOf("on_new_fields"), $"task '{task.Id}': on_new_fields applies to the datasets a task writes (sources and transforms); a sink writes none. Put it on the task that writes '{task.Inputs.FirstOrDefault()}'."));
        }

        if (connector is null)
        {
            errors.Add(new(task.LocationOf("source", "transform", "sink", "sensor"), $"task '{task.Id}': " + Suggestions.UnknownName($"{kind} connector", task.Connector, catalog.NamesOf(task.Kind))));
            return;
        }

        if ((task.Checks.Count > 0 || task.Metrics.Count > 0) && task.Kind == TaskKind.Sink && connector is not ICheckableSink)
        {
            errors.Add(new(task.LocationOf("checks", "metrics"), $"task '{task.Id}': sink '{task.Connector}' cannot read its table back for checks (duckdb and postgres can); declare the checks on the dataset '{task.Inputs.FirstOrDefault()}' under 'datasets:' instead."));
        }

        errors.AddRange(OptionValidator.Check(task, connector));
        CheckConnectionReferences(pipeline, task, connector, catalog, errors);
        errors.AddRange(connector.Validate(task).Select(message => new PipelineError(task.Location, $"task '{task.Id}': {message}")));
        errors.AddRange(connector.ValidateLocated(task, pipeline).Select(e => e with { Message = $"task '{task.Id}': {e.Message}" }));
        CheckTemplates(pipeline, task, errors);
    }

    private static void CheckConnectionReferences(PipelineDefinition pipeline, TaskDefinition task, IConnector connector, ConnectorCatalog catalog, List<PipelineError> errors)
    {
        foreach (var spec in connector.Options.Where(s => s.Kind == OptionKind.Connection))
        {
            if (task.Options.Find(spec.Name) is not ScalarOption { Value: { } name } option)
            {
                continue;
            }

            var connection = pipeline.FindConnection(name);
            if (connection is null)
            {
                errors.Add(new(option.Location, $"task '{task.Id}': " + Suggestions.UnknownName("connection", name, pipeline.Connections.Select(c => c.Name))
                    + $" Declare it in {Yaml.ConnectionsLoader.FileName} or with SLUICE_CONNECTION__{name.ToUpperInvariant()}__TYPE."));
                continue;
            }

            if (spec.Choices.Count > 0 && !spec.Choices.Contains(connection.Type))
            {
                errors.Add(new(option.Location, $"task '{task.Id}': connection '{name}' is a '{connection.Type}' connection, but {OptionValidator.KindWord(task.Kind)} '{connector.Name}' needs one of type {string.Join(", ", spec.Choices)}."));
                continue;
            }

            if (catalog.FindConnectionType(connection.Type) is not { } type)
            {
                errors.Add(new(connection.Location, $"connection '{name}': " + Suggestions.UnknownName("connection type", connection.Type, catalog.ConnectionTypes.Select(t => t.Name))));
                continue;
            }

            foreach (var error in OptionValidator.Check(connection, type).Where(e => !errors.Contains(e)))
            {
                errors.Add(error);
            }
        }
    }

    private static void CheckTemplates(PipelineDefinition pipeline, TaskDefinition task, List<PipelineError> errors)
    {
        var known = new HashSet<string>(TemplateRenderer.BuiltInVariables.Where(v => !v.Contains('<')), StringComparer.Ordinal);
        known.UnionWith(pipeline.Parameters.Keys.Select(k => "params." + k));
        foreach (var scalar in Scalars(task.Options))
        {
            foreach (var name in TemplateRenderer.ReferencedVariables(scalar.Value ?? string.Empty).Where(n => !known.Contains(n)))
            {
                errors.Add(new(scalar.Location, $"task '{task.Id}': " + Suggestions.UnknownName("template variable", name, known)));
            }

            foreach (var problem in TemplateRenderer.FilterProblems(scalar.Value ?? string.Empty, known))
            {
                errors.Add(new(scalar.Location, $"task '{task.Id}': {problem}"));
            }
        }
    }

    private static IEnumerable<ScalarOption> Scalars(OptionValue value) => value switch
    {
        ScalarOption s => [s],
        ListOption l => l.Items.SelectMany(Scalars),
        MapOption m => m.Entries.SelectMany(e => Scalars(e.Value)),
        _ => [],
    };

    [GeneratedRegex("^[A-Za-z][A-Za-z0-9_-]*$")]
    private static partial Regex Identifier();
}
