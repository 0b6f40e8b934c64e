using Sluice.Core.Tests.Support;
using Sluice.Model;

namespace Sluice.Core.Tests.Yaml;

/// <summary>The pipeline key anomalies: its settings, the metrics it watches, and located errors.</summary>
public sealed class AnomaliesYamlTests
{
    private static string Pipeline(string anomalies, string interval = "daily") => $"""
        name: x
        interval: {interval}
        tasks:
          extract: {"{"} source: files, output: orders, with: {"{"} path: a.csv {"}"} {"}"}
          refunds: {"{"} source: files, output: refunds, with: {"{"} path: b.csv {"}"} {"}"}
        {anomalies}
        """;

    [Fact]
    public void Without_the_block_every_metric_is_watched_with_the_defaults()
    {
        var pipeline = Pipelines.Load(Pipeline(string.Empty));

        Assert.Equal(new AnomalySettings(), pipeline.Anomalies.SettingsFor("orders", "rows"));
        Assert.Equal(3.5, pipeline.Anomalies.SettingsFor("refunds", "revenue")!.Threshold);
        Assert.Equal("warning", pipeline.Anomalies.SettingsFor("orders", "rows")!.Severity);
    }

    [Fact]
    public void Settings_and_a_list_of_metrics_reach_the_model_and_other_metrics_are_not_watched()
    {
        var pipeline = Pipelines.Load(Pipeline("""
            anomalies:
              threshold: 5
              min_history: 4 weeks
              min_change: 10%
              severity: error
              metrics: [rows, orders.revenue]
            """));

        var rows = pipeline.Anomalies.SettingsFor("refunds", "rows");
        Assert.Equal(new AnomalySettings { Threshold = 5, MinHistory = 28, MinRelativeChange = 0.1, Severity = "error" }, rows);
        Assert.Equal(rows, pipeline.Anomalies.SettingsFor("orders", "revenue"));
        Assert.Null(pipeline.Anomalies.SettingsFor("refunds", "revenue"));
        Assert.Empty(Pipelines.Validate(Pipeline("anomalies: { metrics: [rows, orders.revenue, refunds.*] }")));
    }

    [Fact]
    public void A_map_of_metrics_overrides_settings_per_metric_and_the_most_specific_selector_wins()
    {
        var pipeline = Pipelines.Load(Pipeline("""
            anomalies:
              threshold: 4
              metrics:
                rows:
                orders.*: { min_change: 0.2 }
                orders.rows: { threshold: 6, min_history: 10 }
            """));

        Assert.Equal(new AnomalySettings { Threshold = 4 }, pipeline.Anomalies.SettingsFor("refunds", "rows"));
        Assert.Equal(new AnomalySettings { Threshold = 6, MinHistory = 10 }, pipeline.Anomalies.SettingsFor("orders", "rows"));
        Assert.Equal(new AnomalySettings { Threshold = 4, MinRelativeChange = 0.2 }, pipeline.Anomalies.SettingsFor("orders", "revenue"));
        Assert.Null(pipeline.Anomalies.SettingsFor("refunds", "revenue"));
    }

    [Theory]
    [InlineData("anomalies: false", false)]
    [InlineData("anomalies: off", false)]
    [InlineData("anomalies: true", true)]
    public void Anomalies_false_turns_detection_off(string line, bool enabled)
    {
        var pipeline = Pipelines.Load(Pipeline(line));

        Assert.Equal(enabled, pipeline.Anomalies.SettingsFor("orders", "rows") is not null);
    }

    [Theory]
    [InlineData("daily", "3w", 21)]
    [InlineData("daily", "20", 20)]
    [InlineData("weekly", "8 weeks", 8)]
    [InlineData("weekly", "10", 10)]
    [InlineData("monthly", "180d", 6)]
    public void Min_history_is_a_count_of_intervals_or_a_length_in_days_or_weeks(string interval, string text, int intervals)
    {
        var pipeline = Pipelines.Load(Pipeline($"anomalies: {{ min_history: {text} }}", interval));

        Assert.Equal(intervals, pipeline.Anomalies.Settings.MinHistory);
    }

    [Fact]
    public void A_misspelt_key_gets_a_did_you_mean_at_its_position()
    {
        var error = Assert.Single(Pipelines.LoadErrors(Pipeline("""
            anomalies:
              treshold: 4
            """)));

        ErrorAssert.IsAt(error, 7, 3);
        Assert.Contains("unknown key 'treshold' in anomalies. Did you mean 'threshold'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Bad_values_are_errors_at_the_value_saying_what_is_expected()
    {
        var errors = Pipelines.LoadErrors(Pipeline("""
            anomalies:
              threshold: -1
              min_history: a month
              severity: warnig
              metrics:
                orders.rows: { min_change: lots }
            """));

        Assert.Equal(4, errors.Count);
        ErrorAssert.IsAt(errors[0], 7, 14);
        Assert.Contains("anomalies.threshold must be a positive number", errors[0].Message, StringComparison.Ordinal);
        ErrorAssert.IsAt(errors[1], 8, 16);
        Assert.Contains("min_history must be a number of intervals (14) or a length such as 14d or 4 weeks (got 'a month')", errors[1].Message, StringComparison.Ordinal);
        ErrorAssert.IsAt(errors[2], 9, 13);
        Assert.Contains("unknown severity 'warnig'. Did you mean 'warning'?", errors[2].Message, StringComparison.Ordinal);
        ErrorAssert.IsAt(errors[3], 11, 32);
        Assert.Contains("anomalies.metrics.orders.rows.min_change must be a share", errors[3].Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_metric_of_a_dataset_no_task_writes_is_a_validation_error_with_a_did_you_mean()
    {
        var error = Assert.Single(Pipelines.Validate(Pipeline("""
            anomalies:
              metrics: [rows, ordres.revenue]
            """)));

        ErrorAssert.IsAt(error, 7, 19);
        Assert.Contains("anomalies.metrics: 'ordres.revenue' names unknown dataset 'ordres'. Did you mean 'orders'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Something_that_is_not_a_metric_name_is_an_error()
    {
        var error = Assert.Single(Pipelines.LoadErrors(Pipeline("anomalies: { metrics: [\"sum(amount)\"] }")));

        Assert.Contains("'sum(amount)' is not a metric", error.Message, StringComparison.Ordinal);
    }
}
