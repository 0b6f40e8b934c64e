using Sluice.Core.Tests.Support;

namespace Sluice.Core.Tests.Validation;

/// <summary>The metrics of a sink's table (schema.table) can be watched for anomalies; an unknown table still cannot.</summary>
public sealed class TableCheckValidationTests
{
    private static string Pipeline(string watched, string schema = "") => $$"""
        name: shop
        anomalies:
          metrics: [{{watched}}]
        tasks:
          extract: { source: files, output: orders, with: { path: orders.csv } }
          load:
            sink: duckdb
            input: orders
            with: { database: w.duckdb, table: orders{{schema}} }
            metrics: { revenue: sum(amount) }
        """;

    [Theory]
    [InlineData("main.orders.*", "")]
    [InlineData("main.orders.revenue", "")]
    [InlineData("sales.orders.rows", ", schema: sales")]
    public void A_sinks_table_metric_can_be_watched_by_its_schema_and_table(string watched, string schema)
    {
        Assert.Empty(Pipelines.Validate(Pipeline(watched, schema)));
    }

    [Fact]
    public void A_table_without_checks_or_metrics_records_no_metrics_and_is_refused_with_a_suggestion()
    {
        var error = Assert.Single(Pipelines.Validate(Pipeline("main.ordres.revenue")));

        Assert.Contains("'main.ordres.revenue' names unknown dataset 'main.ordres'. Did you mean 'main.orders'?", error.Message, StringComparison.Ordinal);
        ErrorAssert.IsAt(error, 3, 13);
    }
}
