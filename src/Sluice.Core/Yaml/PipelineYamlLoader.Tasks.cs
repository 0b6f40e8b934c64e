using System.Globalization;
using Sluice.Connectors;
using Sluice.Model;
using Sluice.Validation;
using YamlDotNet.RepresentationModel;

namespace Sluice.Yaml;

/// <summary>A task's keys: its connector, datasets, dependencies, retries, policies, pool and priority.</summary>
public static partial class PipelineYamlLoader
{
    private static TaskDefinition? ReadTask(string id, YamlNode idNode, YamlNode body, YamlNodes nodes, RetrySettings defaultRetry, TimeSpan? defaultTimeout)
    {
        if (nodes.Mapping(body, $"task '{id}'") is not { } mapping)
        {
            return null;
        }

        var kinds = new List<(TaskKind Kind, string Connector)>();
        var inputs = new List<string>();
        var outputs = new List<string>();
        var dependsOn = new List<string>();
        var policy = BadRowPolicy.Fail;
        var trigger = TriggerRule.AllSuccess;
        EmptyPolicy? onEmpty = null;
        NewFieldsPolicy? onNewFields = null;
        IncrementalDefinition? incremental = null;
        string? quarantine = null;
        string? pool = null;
        var priority = 0;
        MapOption options = new([], nodes.At(mapping));
        var keyLocations = new Dictionary<string, SourceLocation>(StringComparer.Ordinal);
        var checks = new List<CheckDefinition>();
        var metrics = new List<MetricDefinition>();
        foreach (var (key, _, value) in nodes.Entries(mapping, $"task '{id}'", TaskKeys))
        {
            keyLocations[key] = nodes.At(value);
            switch (key)
            {
                case "source": kinds.Add((TaskKind.Source, nodes.Scalar(value, "source") ?? string.Empty)); break;
                case "transform": kinds.Add((TaskKind.Transform, nodes.Scalar(value, "transform") ?? string.Empty)); break;
                case "sink": kinds.Add((TaskKind.Sink, nodes.Scalar(value, "sink") ?? string.Empty)); break;
                case "sensor": kinds.Add((TaskKind.Sensor, nodes.Scalar(value, "sensor") ?? string.Empty)); break;
                case "pool": pool = nodes.Scalar(value, key); break;
                case "priority": priority = ReadPriority(value, nodes); break;
                case "input" or "inputs": inputs.AddRange(nodes.Names(value, key)); break;
                case "output" or "outputs": outputs.AddRange(nodes.Names(value, key)); break;
                case "depends_on": dependsOn.AddRange(nodes.Names(value, key)); break;
                case "quarantine_output": quarantine = nodes.Scalar(value, key); break;
                case "on_bad_rows":
                    var text = nodes.Scalar(value, key);
                    if (!Enum.TryParse(text, ignoreCase: true, out policy) || int.TryParse(text, out _))
                    {
                        nodes.Error(value, $"on_bad_rows must be one of: fail, quarantine (got '{text}').");
                    }

                    break;
                case "trigger_rule":
                    trigger = ReadTriggerRule(nodes, value);
                    break;
                case "on_empty": onEmpty = ReadEmptyPolicy(value, nodes); break;
                case "on_new_fields": onNewFields = ReadNewFieldsPolicy(value, nodes); break;
                case "checks": checks.AddRange(ReadChecks(value, nodes, $"the table of task '{id}'")); break;
                case "metrics": metrics.AddRange(ReadMetrics(value, nodes, $"the table of task '{id}'")); break;
                case "incremental": incremental = ReadIncremental(value, nodes, id); break;
                case "with":
                    if (nodes.Mapping(value, $"'with' of task '{id}'") is { } with)
                    {
                        options = (MapOption)nodes.Option(with);
                    }

                    break;
            }
        }

        var (retry, timeout) = ReadRetry(mapping, nodes, defaultRetry, defaultTimeout, $"task '{id}'", []);
        if (kinds.Count != 1)
        {
            nodes.Error(idNode, $"task '{id}' must have exactly one of 'source', 'transform', 'sink' or 'sensor' naming its connector.");
            return null;
        }

        return new TaskDefinition
        {
            Id = id,
            Kind = kinds[0].Kind,
            Connector = kinds[0].Connector,
            Inputs = inputs,
            Outputs = outputs,
            DependsOn = dependsOn,
            Options = options,
            Retry = retry,
            Timeout = timeout,
            OnBadRows = policy,
            TriggerRule = trigger,
            QuarantineOutput = quarantine,
            OnEmpty = onEmpty,
            Pool = pool,
            Priority = priority,
            OnNewFields = onNewFields,
            Checks = checks,
            Metrics = metrics,
            Incremental = incremental,
            Location = nodes.At(idNode),
            KeyLocations = keyLocations,
        };
    }

    private static (RetrySettings Retry, TimeSpan? Timeout) ReadRetry(YamlMappingNode mapping, YamlNodes nodes, RetrySettings retry, TimeSpan? timeout, string what, string[] allowed)
    {
        var entries = allowed.Length > 0 ? nodes.Entries(mapping, what, allowed) : nodes.Entries(mapping, what, []).Where(e => RetryKeys.Contains(e.Key));
        foreach (var (key, _, value) in entries)
        {
            switch (key)
            {
                case "retries": retry = retry with { Retries = ReadInt(value, nodes, key, 0) ?? retry.Retries }; break;
                case "retry_delay": retry = retry with { Delay = ReadDuration(value, nodes, key) ?? retry.Delay }; break;
                case "max_retry_delay": retry = retry with { MaxDelay = ReadDuration(value, nodes, key) ?? retry.MaxDelay }; break;
                case "timeout": timeout = ReadDuration(value, nodes, key) ?? timeout; break;
                case "retry_backoff":
                    var text = nodes.Scalar(value, key);
                    if (double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var factor) && factor >= 1)
                    {
                        retry = retry with { BackoffFactor = factor };
                    }
                    else
                    {
                        nodes.Error(value, $"retry_backoff must be a number of at least 1, the factor each retry's delay grows by (got '{text}').");
                    }

                    break;
            }
        }

        return (retry, timeout);
    }

    private static EmptyPolicy? ReadEmptyPolicy(YamlNode value, YamlNodes nodes)
    {
        var text = nodes.Scalar(value, "on_empty") ?? string.Empty;
        if (EmptyPolicies.Parse(text) is { } policy)
        {
            return policy;
        }

        nodes.Error(value, "on_empty: " + Suggestions.UnknownName("value", text, EmptyPolicies.Names));
        return null;
    }

    private static NewFieldsPolicy? ReadNewFieldsPolicy(YamlNode value, YamlNodes nodes)
    {
        var text = nodes.Scalar(value, "on_new_fields") ?? string.Empty;
        if (NewFieldsPolicies.Parse(text) is { } policy)
        {
            return policy;
        }

        nodes.Error(value, "on_new_fields: " + Suggestions.UnknownName("value", text, NewFieldsPolicies.Names));
        return null;
    }

    private static int ReadPriority(YamlNode value, YamlNodes nodes)
    {
        var text = nodes.Scalar(value, "priority");
        if (int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var priority))
        {
            return priority;
        }

        nodes.Error(value, $"priority must be a whole number; higher starts first when slots are scarce (got '{text}').");
        return 0;
    }
}
