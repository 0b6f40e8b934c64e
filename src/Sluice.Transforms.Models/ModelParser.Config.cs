using Sluice.Model;

namespace Sluice.Transforms.Models;

/// <summary>The config lines of a model's leading comment (materialized, unique_key...), checked as they are read.</summary>
internal sealed partial class ModelParser
{
    private ModelConfig ReadConfig()
    {
        var values = new Dictionary<string, (string Value, SourceLocation Location)>(StringComparer.Ordinal);
        for (var line = 0; line < _lineStarts.Length; line++)
        {
            var start = _lineStarts[line];
            var end = line + 1 < _lineStarts.Length ? _lineStarts[line + 1] - 1 : _sql.Length;
            var text = _sql[start..end];
            if (text.Trim().Length == 0)
            {
                continue;
            }

            if (!text.TrimStart().StartsWith("--", StringComparison.Ordinal))
            {
                break;
            }

            var match = ConfigLine().Match(text);
            if (!match.Success)
            {
                continue;
            }

            var key = match.Groups[1].Value.ToLowerInvariant();
            var keyLocation = At(start + match.Groups[1].Index);
            var valueLocation = At(start + match.Groups[2].Index);
            if (!ModelConfig.Keys.Contains(key))
            {
                // Any other "-- word: text" line is an ordinary comment, unless it looks like a misspelt key.
                if (ModelConfig.Keys.FirstOrDefault(k => Sluice.Validation.Suggestions.Distance(k, key) <= 2) is { } meant)
                {
                    Error(keyLocation, $"unknown model config '{key}'. Did you mean '{meant}'? Valid: {string.Join(", ", ModelConfig.Keys)}.");
                }

                continue;
            }

            if (!values.TryAdd(key, (match.Groups[2].Value, valueLocation)))
            {
                Error(keyLocation, $"model config '{key}' is given twice (first at line {values[key].Location.Line}).");
            }
        }

        return BuildConfig(values);
    }

    private ModelConfig BuildConfig(Dictionary<string, (string Value, SourceLocation Location)> values)
    {
        var config = new ModelConfig { Locations = values.ToDictionary(v => v.Key, v => v.Value.Location, StringComparer.Ordinal) };
        if (values.TryGetValue(ModelConfig.MaterializedKey, out var materialized))
        {
            config = materialized.Value.ToLowerInvariant() switch
            {
                "view" => config with { Materialized = Materialization.View },
                "table" => config with { Materialized = Materialization.Table },
                "incremental" => config with { Materialized = Materialization.Incremental },
                _ => Invalid(config, materialized, ModelConfig.MaterializedKey, "view, table, incremental"),
            };
        }

        var incremental = config.Materialized == Materialization.Incremental;
        if (values.TryGetValue(ModelConfig.UniqueKeyKey, out var key))
        {
            var columns = key.Value.Split(',', StringSplitOptions.TrimEntries).Select(c => c.Trim('"')).ToList();
            if (columns.Any(c => c.Length == 0))
            {
                Error(key.Location, "unique_key must name one or more columns, separated by commas, for example 'order_id' or 'order_id, line_no'.");
            }

            config = config with { UniqueKey = columns.Where(c => c.Length > 0).ToList(), Strategy = IncrementalStrategy.DeleteInsert };
        }

        if (values.TryGetValue(ModelConfig.StrategyKey, out var strategy))
        {
            config = strategy.Value.ToLowerInvariant() switch
            {
                "append" => config with { Strategy = IncrementalStrategy.Append },
                "delete_insert" => config with { Strategy = IncrementalStrategy.DeleteInsert },
                _ => Invalid(config, strategy, ModelConfig.StrategyKey, "append, delete_insert"),
            };
        }

        if (values.TryGetValue(ModelConfig.SchemaChangeKey, out var schemaChange))
        {
            config = schemaChange.Value.ToLowerInvariant() switch
            {
                "fail" => config with { OnSchemaChange = SchemaChangePolicy.Fail },
                "append_new_columns" => config with { OnSchemaChange = SchemaChangePolicy.AppendNewColumns },
                _ => Invalid(config, schemaChange, ModelConfig.SchemaChangeKey, "fail, append_new_columns"),
            };
        }

        if (values.TryGetValue(ModelConfig.SchemaKey, out var schema))
        {
            if (schema.Value.Length == 0)
            {
                Error(schema.Location, "schema needs a name, for example '-- schema: marts'.");
            }

            config = config with { Schema = schema.Value.Length == 0 ? null : schema.Value.Trim('"') };
        }

        foreach (var onlyIncremental in new[] { ModelConfig.UniqueKeyKey, ModelConfig.StrategyKey, ModelConfig.SchemaChangeKey })
        {
            if (!incremental && values.TryGetValue(onlyIncremental, out var given))
            {
                Error(given.Location, $"'{onlyIncremental}' applies only to incremental models, and this one is a {ModelConfig.Word(config.Materialized)}. Add '-- materialized: incremental' or remove the line.");
            }
        }

        if (incremental && config.Strategy == IncrementalStrategy.DeleteInsert && config.UniqueKey.Count == 0 && values.TryGetValue(ModelConfig.StrategyKey, out var deleteInsert))
        {
            Error(deleteInsert.Location, "incremental_strategy 'delete_insert' needs '-- unique_key: column[, column...]': the rows of the table whose key occurs among the new rows are replaced.");
        }

        if (incremental && config.Strategy == IncrementalStrategy.Append && config.UniqueKey.Count > 0)
        {
            Error(key.Location, "unique_key has no effect with incremental_strategy 'append', which only inserts. Remove one of the two lines.");
        }

        return config;
    }

    private ModelConfig Invalid(ModelConfig config, (string Value, SourceLocation Location) given, string key, string valid)
    {
        Error(given.Location, $"{key} must be one of: {valid} (got '{given.Value}').");
        return config;
    }
}
