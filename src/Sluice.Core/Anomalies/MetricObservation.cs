using System.Globalization;
using System.Text.Json.Nodes;
using Sluice.Events;

namespace Sluice.Anomalies;

/// <summary>
/// One value of one metric of a dataset for one interval, as a <c>metric_observed</c> event carries it:
/// pipeline, dataset, name, value, interval_start (yyyy-MM-dd).
/// </summary>
public sealed record MetricObservation(string? Dataset, string Name, DateOnly Interval, double Value)
{
    /// <summary>The automatic metric: rows written to a dataset by the task that writes it.</summary>
    public const string Rows = "rows";

    /// <summary>How the metric is named in configuration, alerts and the CLI: <c>dataset.name</c>.</summary>
    public string Key => Dataset is null ? Name : $"{Dataset}.{Name}";

    public JsonObject ToPayload(string pipeline) => new()
    {
        ["pipeline"] = pipeline,
        ["dataset"] = Dataset,
        ["name"] = Name,
        ["value"] = Value,
        ["interval_start"] = Interval.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture),
    };

    /// <summary>The observation a <c>metric_observed</c> event carries, or null when it is malformed.</summary>
    public static MetricObservation? From(RunEvent e)
    {
        if (e.Type != EventTypes.MetricObserved || e.Text("name") is not { Length: > 0 } name || NumberOf(e.Payload["value"]) is not { } value)
        {
            return null;
        }

        var interval = DateOnly.TryParseExact(e.Text("interval_start")?[..Math.Min(10, e.Text("interval_start")!.Length)], "yyyy-MM-dd", CultureInfo.InvariantCulture, DateTimeStyles.None, out var start)
            ? start
            : e.LogicalDate;
        return interval is { } day ? new MetricObservation(e.Text("dataset") is { Length: > 0 } d ? d : null, name, day, value) : null;
    }

    private static double? NumberOf(JsonNode? node) =>
        node is JsonValue value && double.TryParse(value.ToJsonString().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var number) && double.IsFinite(number)
            ? number
            : null;
}
