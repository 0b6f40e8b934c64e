using Sluice.Building;
using Sluice.Core.Tests.Support;
using Sluice.Model;
using Sluice.Validation;

namespace Sluice.Core.Tests.Building;

/// <summary>Checks, metrics and anomaly settings declared in C# make the same model as YAML, and are located at their calls.</summary>
public sealed class BuilderCheckTests
{
    private const string Yaml = """
        name: shop
        datasets:
          orders:
            columns: { order_id: BIGINT, customer_id: VARCHAR, amount: DOUBLE, status: VARCHAR, ts: TIMESTAMP }
            checks:
              - row_count: { min: 1, min_ratio_of_median: 0.5, history: 5 }
              - not_null: [order_id, customer_id]
              - unique: [order_id]
              - accepted_values: { column: status, values: [paid, refunded] }
              - range: { column: amount, min: 0, max: 10000 }
              - freshness: { column: ts, max_age: 1d }
              - relationships: { column: customer_id, to: customers, field: id }
                severity: warn
              - sql: SELECT * FROM orders WHERE amount > 5000
                name: no_huge_orders
            metrics:
              revenue: sum(amount)
        anomalies:
          threshold: 4
          min_history: 21
          metrics:
            orders.rows:
            orders.revenue: { threshold: 3, severity: error }
        tasks:
          extract_customers: { source: files, output: customers, with: { path: c.csv } }
          extract: { source: files, output: orders, depends_on: [extract_customers], with: { path: o.csv } }
          load:
            sink: duckdb
            input: orders
            with: { database: w.duckdb, table: orders }
            checks:
              - reconcile: { with: customers, tolerance: 0.5 }
            metrics:
              paid: count(*) FILTER (WHERE status = 'paid')
        """;

    private static PipelineBuilder Builder() =>
        PipelineBuilder.Create("shop")
            .Dataset("orders", d => d
                .Column("order_id", "BIGINT").Column("customer_id", "VARCHAR").Column("amount", "DOUBLE").Column("status", "VARCHAR").Column("ts", "TIMESTAMP")
                .Check(DataCheck.RowCount(min: 1, minRatioOfMedian: 0.5, history: 5))
                .Check(DataCheck.NotNull("order_id", "customer_id"))
                .Check(DataCheck.Unique("order_id"))
                .Check(DataCheck.AcceptedValues("status", "paid", "refunded"))
                .Check(DataCheck.Range("amount", min: "0", max: "10000"))
                .Check(DataCheck.Freshness("ts", TimeSpan.FromDays(1)))
                .Check(DataCheck.Relationships("customer_id", to: "customers", field: "id"), CheckSeverity.Warn)
                .Check(DataCheck.Sql("SELECT * FROM orders WHERE amount > 5000"), name: "no_huge_orders")
                .Metric("revenue", "sum(amount)"))
            .Anomalies(new AnomalySettings { Threshold = 4, MinHistory = 21 }, ["orders.rows"])
            .AnomalyMetric("orders.revenue", new AnomalySettings { Threshold = 3, MinHistory = 21, Severity = "error" })
            .Source("extract_customers", "files", t => t.Output("customers").With("path", "c.csv"))
            .Source("extract", "files", t => t.Output("orders").DependsOn("extract_customers").With("path", "o.csv"))
            .Sink("load", "duckdb", t => t.Input("orders").With("database", "w.duckdb").With("table", "orders")
                .Check(DataCheck.Reconcile(with: "customers", tolerance: 0.5))
                .Metric("paid", "count(*) FILTER (WHERE status = 'paid')"));

    /// <summary>Everything a check means, without where it was written.</summary>
    private static string Meaning(CheckDefinition c) =>
        $"{c.Type}|{c.Name}|{c.Severity}|{string.Join(",", c.Columns)}|{string.Join(",", c.Values)}|{c.Min}|{c.Max}|{c.MinRatioOfMedian}|{c.MaxRatioOfMedian}|{c.History}|{c.MaxAge}|{c.OtherDataset}|{c.OtherColumn}|{c.SumColumn}|{c.Tolerance}|{c.Sql?.Trim()}";

    [Fact]
    public void Checks_metrics_and_anomalies_in_code_are_the_same_model_as_in_yaml()
    {
        var fromYaml = Pipelines.Load(Yaml);
        var fromCode = Builder().Build();

        Assert.Equal(fromYaml.Datasets[0].Checks.Select(Meaning), fromCode.Datasets[0].Checks.Select(Meaning));
        Assert.Equal(fromYaml.Datasets[0].Metrics.Select(m => (m.Name, m.Expression)), fromCode.Datasets[0].Metrics.Select(m => (m.Name, m.Expression)));
        Assert.Equal(fromYaml.Task("load").Checks.Select(Meaning), fromCode.Task("load").Checks.Select(Meaning));
        Assert.Equal(fromYaml.Task("load").Metrics.Select(m => (m.Name, m.Expression)), fromCode.Task("load").Metrics.Select(m => (m.Name, m.Expression)));
        Assert.Equal(fromYaml.Anomalies.Settings, fromCode.Anomalies.Settings);
        Assert.Equal(fromYaml.Anomalies.Metrics.Select(m => (m.Text, m.Settings)), fromCode.Anomalies.Metrics.Select(m => (m.Text, m.Settings)));
        Assert.Empty(PipelineValidator.Validate(fromCode, Pipelines.Catalog()));
    }

    [Fact]
    public void A_check_naming_a_missing_column_is_reported_at_the_line_and_column_of_its_call()
    {
        var builder = PipelineBuilder.Create("shop");
        var line = Pipelines.LineHere() + 3;
        builder.Dataset("orders", d => d
            .Column("amount", "DOUBLE")
            .Check(DataCheck.NotNull("amout")))
            .Source("extract", "files", t => t.Output("orders").With("path", "o.csv"));

        var error = Assert.Single(PipelineValidator.Validate(builder.Build(), Pipelines.Catalog()));

        Assert.Contains("check 'not_null(amout)' on dataset 'orders': unknown column 'amout'. Did you mean 'amount'?", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("BuilderCheckTests.cs", error.Location.File, StringComparison.Ordinal);
        Assert.Equal((line, 20), (error.Location.Line, error.Location.Column));
    }
}
