using System.Text.Json;
using System.Text.Json.Nodes;
using Sluice.Connectors;
using Sluice.Model;

namespace Sluice.Cli;

/// <summary>
/// The JSON Schema of pipeline files, generated from the connectors' option specs so it can never
/// drift from what validation accepts. The committed copy lives in schema/.
/// </summary>
internal static class PipelineJsonSchema
{
    public static string Generate(ConnectorCatalog catalog)
    {
        var retry = new JsonObject
        {
            ["retries"] = Describe(new JsonObject { ["type"] = "integer", ["minimum"] = 0 }, "How many times to retry a failed task."),
            ["retry_delay"] = Describe(Duration(), "Delay before the first retry."),
            ["retry_backoff"] = Describe(new JsonObject { ["type"] = "number", ["minimum"] = 1 }, "Factor each retry's delay grows by (2 doubles it)."),
            ["max_retry_delay"] = Describe(Duration(), "Longest delay between retries."),
            ["timeout"] = Describe(Duration(), "Time limit of one attempt."),
        };
        var names = new JsonObject { ["oneOf"] = new JsonArray(Name(), new JsonObject { ["type"] = "array", ["items"] = Name() }) };
        var taskProperties = new JsonObject
        {
            ["description"] = new JsonObject { ["type"] = "string" },
            ["source"] = Enum(catalog, TaskKind.Source, "Source connector: this task extracts a dataset."),
            ["transform"] = Enum(catalog, TaskKind.Transform, "Transform: this task derives datasets from its inputs."),
            ["sink"] = Enum(catalog, TaskKind.Sink, "Sink connector: this task loads its input somewhere."),
            ["sensor"] = Enum(catalog, TaskKind.Sensor, "Sensor: this task waits for a condition (a file, an object, another pipeline's run, an HTTP answer), freeing its slot between looks."),
            ["pool"] = Describe(Name(), "A pool of pools.yaml: the task takes one of its slots while it runs, across runs and processes."),
            ["priority"] = Describe(new JsonObject { ["type"] = "integer" }, "Among ready tasks, higher starts first when slots are scarce (default 0)."),
            ["input"] = names.DeepClone(),
            ["inputs"] = names.DeepClone(),
            ["output"] = names.DeepClone(),
            ["outputs"] = names.DeepClone(),
            ["depends_on"] = names.DeepClone(),
            ["on_bad_rows"] = new JsonObject { ["enum"] = new JsonArray("fail", "quarantine") },
            ["trigger_rule"] = new JsonObject { ["enum"] = new JsonArray("all_success", "all_done", "one_failed") },
            ["on_empty"] = Describe(new JsonObject { ["enum"] = new JsonArray("fail", "warn", "ok") }, "Empty data. Sink: fail (default) refuses a load that would remove rows with zero rows; warn or ok allow it. Source: warn (default) logs zero rows extracted; fail fails the task; ok says nothing."),
            ["on_new_fields"] = Describe(new JsonObject { ["enum"] = new JsonArray("fail", "evolve", "ignore") }, "Columns an output's contract does not name. fail (default for datasets with declared columns) fails the task; evolve (default for inferred contracts) publishes them and records the next contract version; ignore publishes them and records nothing. Removed columns and changed types always fail."),
            ["quarantine_output"] = Name(),
            ["checks"] = Describe(new JsonObject { ["type"] = "array", ["items"] = Check() }, "Sinks (duckdb, postgres): data checks on the target table, run after the load commits (docs/checks.md#checks-on-a-warehouse-table)."),
            ["metrics"] = Describe(
                new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
                "Sinks (duckdb, postgres): name to DuckDB aggregate expression over the target table, recorded every run."),
            ["incremental"] = Describe(
                new JsonObject
                {
                    ["type"] = "object",
                    ["additionalProperties"] = false,
                    ["required"] = new JsonArray("cursor"),
                    ["properties"] = new JsonObject
                    {
                        ["cursor"] = new JsonObject { ["type"] = "string" },
                        ["initial"] = new JsonObject { ["type"] = new JsonArray("string", "number") },
                        ["lookback"] = new JsonObject { ["type"] = new JsonArray("string", "number") },
                        ["primary_key"] = names.DeepClone(),
                        ["parameter"] = new JsonObject { ["type"] = "string" },
                    },
                },
                "Read only rows whose cursor reached the last committed watermark (docs/incremental.md)."),
            ["with"] = new JsonObject { ["type"] = "object", ["description"] = "The connector's options." },
        };
        foreach (var (key, value) in retry)
        {
            taskProperties[key] = value!.DeepClone();
        }

        var task = new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["properties"] = taskProperties,
            ["oneOf"] = new JsonArray(Requires("source"), Requires("transform"), Requires("sink"), Requires("sensor")),
            ["allOf"] = new JsonArray(catalog.All.Select(ConnectorRule).ToArray<JsonNode?>()),
        };
        var schema = new JsonObject
        {
            ["$schema"] = "https://json-schema.org/draft/2020-12/schema",
            ["title"] = "Sluice pipeline",
            ["type"] = "object",
            ["required"] = new JsonArray("name", "tasks"),
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject
            {
                ["name"] = Name(),
                ["description"] = new JsonObject { ["type"] = "string" },
                ["schedule"] = Describe(new JsonObject { ["type"] = "string" }, "Cron expression, e.g. \"0 2 * * *\"."),
                ["interval"] = Describe(new JsonObject { ["enum"] = new JsonArray("daily", "weekly", "monthly") }, "What one run covers, from its logical date (default daily)."),
                ["timezone"] = Describe(new JsonObject { ["type"] = "string" }, "IANA time zone of the schedule and of interval boundaries."),
                ["start_date"] = new JsonObject { ["type"] = "string", ["format"] = "date" },
                ["end_date"] = Describe(new JsonObject { ["type"] = "string", ["format"] = "date" }, "Last logical date the scheduler runs."),
                ["catchup"] = Describe(new JsonObject { ["type"] = "boolean" }, "Run every missed interval since start_date (default true), or only the latest."),
                ["max_active_runs"] = Describe(new JsonObject { ["type"] = "integer", ["minimum"] = 1 }, "Most scheduled runs of this pipeline in progress at once (default 1)."),
                ["sla"] = Describe(
                    new JsonObject
                    {
                        ["type"] = "object",
                        ["additionalProperties"] = false,
                        ["properties"] = new JsonObject
                        {
                            ["deadline"] = Describe(new JsonObject { ["type"] = "string" }, "An interval not done this long after it ends is late, e.g. 3h."),
                            ["max_duration"] = Describe(new JsonObject { ["type"] = "string" }, "A run going on longer than this is late, e.g. 1h."),
                        },
                    },
                    "When a sla_missed event is emitted."),
                ["max_parallel_tasks"] = new JsonObject { ["type"] = "integer", ["minimum"] = 1 },
                ["fuse_tasks"] = Describe(
                    new JsonObject { ["type"] = "boolean", ["default"] = true },
                    "Let a CSV extract whose one reader is a sql or steps transform run inside that transform's session instead of staging its output; false stages every dataset."),
                ["defaults"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = retry },
                ["params"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = new JsonArray("string", "number", "boolean") } },
                ["datasets"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = Dataset() },
                ["tasks"] = new JsonObject { ["type"] = "object", ["additionalProperties"] = task },
                ["artifacts"] = Describe(
                    new JsonObject
                    {
                        ["type"] = "object",
                        ["additionalProperties"] = false,
                        ["required"] = new JsonArray("location"),
                        ["properties"] = new JsonObject
                        {
                            ["connection"] = Describe(new JsonObject { ["type"] = "string" }, "A connection that can hold run artifacts (type s3); without one, location is a shared folder."),
                            ["location"] = Describe(new JsonObject { ["type"] = "string" }, "Where: s3://bucket/sluice-artifacts with an s3 connection, else a folder every worker mounts at the same path."),
                        },
                    },
                    "Shared storage every published dataset is copied to, so tasks on other machines and resumed runs read it."),
                ["anomalies"] = Describe(Anomalies(), "Compare each run's metrics (rows per dataset, declared metrics) with their history and alert on unusual values (docs/anomalies.md); false turns it off."),
            },
        };
        return schema.ToJsonString(new JsonSerializerOptions { WriteIndented = true, Encoder = System.Text.Encodings.Web.JavaScriptEncoder.UnsafeRelaxedJsonEscaping }) + Environment.NewLine;
    }

    private static JsonObject Anomalies()
    {
        JsonObject Settings() => new()
        {
            ["threshold"] = Describe(new JsonObject { ["type"] = "number", ["exclusiveMinimum"] = 0 }, "Robust standard deviations (MAD x 1.4826) from the usual value that make an anomaly (default 3.5)."),
            ["min_history"] = Describe(new JsonObject { ["type"] = new JsonArray("integer", "string") }, "Earlier intervals needed before any alert: a count (14) or a length (14d, 4 weeks). Default 14 days, else 6 intervals."),
            ["min_change"] = Describe(new JsonObject { ["type"] = new JsonArray("number", "string") }, "A value must also differ from the usual one by this share (0.1 or 10%). Default 0."),
            ["severity"] = Describe(new JsonObject { ["enum"] = new JsonArray("warning", "error", "critical") }, "Severity of the alert (default warning)."),
        };
        var settings = Settings();
        settings["metrics"] = Describe(
            new JsonObject
            {
                ["oneOf"] = new JsonArray(
                    new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } },
                    new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = new JsonArray("object", "null"), ["additionalProperties"] = false, ["properties"] = Settings() } }),
            },
            "Metrics to watch (default all): rows, orders.revenue or orders.*; as a mapping, each with its own settings.");
        return new JsonObject
        {
            ["oneOf"] = new JsonArray(
                new JsonObject { ["type"] = "boolean" },
                new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = settings }),
        };
    }

    private static JsonObject ConnectorRule(IConnector connector)
    {
        var key = connector.Kind.ToString().ToLowerInvariant();
        var properties = new JsonObject();
        foreach (var option in connector.Options)
        {
            properties[option.Name] = Describe(OptionType(option), option.Description);
        }

        var with = new JsonObject { ["type"] = "object", ["additionalProperties"] = false, ["properties"] = properties };
        var required = connector.Options.Where(o => o.Required && o.Default is null).Select(o => (JsonNode)o.Name).ToArray();
        if (required.Length > 0 && connector.Name != "sql")
        {
            with["required"] = new JsonArray(required);
        }

        return new JsonObject
        {
            ["if"] = new JsonObject { ["required"] = new JsonArray(key), ["properties"] = new JsonObject { [key] = new JsonObject { ["const"] = connector.Name } } },
            ["then"] = new JsonObject { ["properties"] = new JsonObject { ["with"] = with } },
        };
    }

    private static JsonObject OptionType(OptionSpec option) => option.Kind switch
    {
        OptionKind.Integer => new JsonObject { ["type"] = new JsonArray("integer", "string") },
        OptionKind.Number => new JsonObject { ["type"] = new JsonArray("number", "string") },
        OptionKind.Boolean => new JsonObject { ["type"] = new JsonArray("boolean", "string") },
        OptionKind.Choice => new JsonObject { ["enum"] = new JsonArray(option.Choices.Select(c => (JsonNode)c).ToArray()) },
        OptionKind.StringList => new JsonObject { ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } }) },
        OptionKind.StringMap => new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
        OptionKind.Structure => new JsonObject { ["type"] = new JsonArray("array", "object") },
        _ => new JsonObject { ["type"] = "string" },
    };

    private static JsonObject Dataset() => new()
    {
        ["type"] = "object",
        ["additionalProperties"] = false,
        ["properties"] = new JsonObject
        {
            ["columns"] = new JsonObject
            {
                ["type"] = "object",
                ["additionalProperties"] = new JsonObject
                {
                    ["oneOf"] = new JsonArray(
                        new JsonObject { ["type"] = "string" },
                        new JsonObject
                        {
                            ["type"] = "object",
                            ["required"] = new JsonArray("type"),
                            ["additionalProperties"] = false,
                            ["properties"] = new JsonObject
                            {
                                ["type"] = new JsonObject { ["type"] = "string" },
                                ["nullable"] = new JsonObject { ["type"] = "boolean" },
                                ["max_null_fraction"] = new JsonObject { ["type"] = "number", ["minimum"] = 0, ["maximum"] = 1 },
                            },
                        }),
                },
            },
            ["checks"] = Describe(new JsonObject { ["type"] = "array", ["items"] = Check() }, "Data checks run on the staged dataset before it is published (docs/checks.md)."),
            ["metrics"] = Describe(
                new JsonObject { ["type"] = "object", ["additionalProperties"] = new JsonObject { ["type"] = "string" } },
                "Name to DuckDB aggregate expression, recorded as a metric_observed event every run."),
        },
    };

    /// <summary>One check: one type key with its options, plus severity and name.</summary>
    private static JsonObject Check()
    {
        static JsonObject Options(params string[] keys) => new()
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["properties"] = new JsonObject(keys.Select(k => new KeyValuePair<string, JsonNode?>(k, new JsonObject()))),
        };
        JsonObject Columns() => new() { ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, new JsonObject { ["type"] = "array", ["items"] = new JsonObject { ["type"] = "string" } }, Options("columns")) };
        return new JsonObject
        {
            ["type"] = "object",
            ["additionalProperties"] = false,
            ["minProperties"] = 1,
            ["properties"] = new JsonObject
            {
                ["severity"] = new JsonObject { ["enum"] = new JsonArray("warn", "warning", "error") },
                ["name"] = new JsonObject { ["type"] = "string" },
                ["row_count"] = new JsonObject { ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "null" }, Options("min", "max", "min_ratio_of_median", "max_ratio_of_median", "history")) },
                ["not_null"] = Columns(),
                ["unique"] = Columns(),
                ["accepted_values"] = Options("column", "values"),
                ["range"] = Options("column", "min", "max"),
                ["freshness"] = Options("column", "max_age"),
                ["relationships"] = Options("column", "to", "field"),
                ["reconcile"] = Options("with", "sum", "tolerance"),
                ["sql"] = new JsonObject { ["oneOf"] = new JsonArray(new JsonObject { ["type"] = "string" }, Options("query")) },
            },
        };
    }

    private static JsonObject Enum(ConnectorCatalog catalog, TaskKind kind, string description) =>
        Describe(new JsonObject { ["enum"] = new JsonArray(catalog.NamesOf(kind).Select(n => (JsonNode)n).ToArray()) }, description);

    private static JsonObject Requires(string key) => new() { ["required"] = new JsonArray(key) };

    private static JsonObject Name() => new() { ["type"] = "string", ["pattern"] = "^[A-Za-z][A-Za-z0-9_-]*$" };

    private static JsonObject Duration() => new() { ["type"] = "string", ["pattern"] = "^([0-9.]+(ms|s|m|h|d)|[0-9:.]+)$" };

    private static JsonObject Describe(JsonObject node, string description)
    {
        node["description"] = description;
        return node;
    }
}
