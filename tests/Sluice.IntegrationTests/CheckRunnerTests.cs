using Sluice.Checks;
using Sluice.Engine.DuckDb.Checks;
using Sluice.Model;
using Sluice.Templating;

namespace Sluice.IntegrationTests;

/// <summary>The DuckDB check runner reads a dataset once for all its standard checks and metrics.</summary>
public sealed class CheckRunnerTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    private string StageOrders(int rows)
    {
        var path = _project.PathOf("orders.parquet");
        Warehouse.InMemory().Query($"""
            COPY (SELECT i AS id, i % 7 AS customer_id, ['books', 'toys'][1 + i % 2] AS category, i * 1.5 AS amount,
                         TIMESTAMP '2024-03-01 00:00:00' + INTERVAL (i) SECOND AS ts
                  FROM range({rows}) t(i)) TO '{path}' (FORMAT parquet)
            """);
        return path;
    }

    private static CheckDefinition Check(string type, params string[] columns) => new() { Type = type, Name = $"{type}({string.Join(",", columns)})", Columns = columns };

    [Fact]
    public async Task All_standard_checks_and_metrics_of_a_dataset_take_one_scan_and_each_unique_key_one_sorted_pass()
    {
        var dataset = new DatasetDefinition
        {
            Name = "orders",
            Checks =
            [
                Check("row_count") with { Min = "1", Max = "1000" },
                Check("not_null", "id", "amount", "ts"),
                Check("unique", "id"),
                Check("unique", "id", "customer_id"),
                Check("accepted_values", "category") with { Values = ["books", "toys"] },
                Check("range", "amount") with { Min = "0", Max = "10000" },
                Check("range", "ts") with { Name = "range(ts)", Min = "2024-03-01", Max = "2024-03-02" },
                Check("freshness", "ts") with { MaxAge = TimeSpan.FromDays(1) },
            ],
            Metrics = [new("revenue", "sum(amount)"), new("customers", "count(DISTINCT customer_id)")],
        };
        var request = new DatasetCheckRequest(dataset, StageOrders(500), new Dictionary<string, string>(), DataInterval.For(new DateOnly(2024, 3, 1), IntervalUnit.Day, "UTC"), []);

        var report = await new DuckDbCheckRunner().RunAsync(request, CancellationToken.None);

        Assert.Equal(3, report.Scans);
        Assert.Equal(500, report.Rows);
        Assert.All(report.Results, r => Assert.True(r.Outcome == CheckOutcome.Pass, $"{r.Check.Name}: {r.Message}"));
        Assert.Equal(dataset.Checks.Count, report.Results.Count);
        Assert.Equal([("revenue", (double?)187125), ("customers", 7)], report.Metrics);
    }

    [Fact]
    public async Task Unique_counts_each_row_repeating_a_whole_key_in_any_order_and_skips_rows_missing_part_of_it()
    {
        var path = _project.PathOf("keys.parquet");
        // id 3 three times (2 repeats), (id, part) repeated once; NULLs never collide.
        Warehouse.InMemory().Query($"""
            COPY (SELECT * FROM (VALUES (3, 'a'), (1, 'a'), (3, 'b'), (2, NULL), (3, 'a'), (NULL, 'x'), (NULL, 'x'), (2, NULL)) t(id, part))
            TO '{path}' (FORMAT parquet)
            """);
        var dataset = new DatasetDefinition { Name = "keys", Checks = [Check("unique", "id"), Check("unique", "id", "part"), Check("unique", "part")] };
        var request = new DatasetCheckRequest(dataset, path, new Dictionary<string, string>(), DataInterval.For(new DateOnly(2024, 3, 1), IntervalUnit.Day, "UTC"), []);

        var report = await new DuckDbCheckRunner().RunAsync(request, CancellationToken.None);

        Assert.Equal(
            ["3 duplicate row(s) of 6 with a id", "1 duplicate row(s) of 4 with a (id, part)", "3 duplicate row(s) of 6 with a part"],
            report.Results.Select(r => r.Observed));
        Assert.Equal("1 row(s) repeat a (id, part) already seen", report.Results[1].Message);
        Assert.All(report.Results, r => Assert.Equal(CheckOutcome.Fail, r.Outcome));
    }

    [Fact]
    public async Task Sql_checks_add_one_query_each_and_a_missing_column_is_an_error_not_a_crash()
    {
        var dataset = new DatasetDefinition
        {
            Name = "orders",
            Checks =
            [
                Check("not_null", "id"),
                Check("sql") with { Sql = "SELECT * FROM orders WHERE amount < 0" },
                Check("not_null", "amout"),
            ],
        };
        var request = new DatasetCheckRequest(dataset, StageOrders(10), new Dictionary<string, string>(), DataInterval.For(new DateOnly(2024, 3, 1), IntervalUnit.Day, "UTC"), []);

        var report = await new DuckDbCheckRunner().RunAsync(request, CancellationToken.None);

        Assert.Equal(2, report.Scans);
        Assert.Equal([CheckOutcome.Pass, CheckOutcome.Pass, CheckOutcome.Error], report.Results.Select(r => r.Outcome));
        Assert.StartsWith("unknown column 'amout' in the staged dataset. Did you mean 'amount'?", report.Results[2].Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Validation_compiles_sql_checks_and_metrics_against_the_declared_columns()
    {
        var pipeline = _project.Write("pipeline.yaml", """
            name: shop
            datasets:
              orders:
                columns: { id: BIGINT, amount: DOUBLE }
                checks:
                  - sql: SELECT * FROM orders WHERE amount < 0
                    name: no_negative
                  - sql: SELECT * FROM orders WHERE amout < 0
                    name: typo
                  - sql: SELEC 1
                    name: garbled
                metrics:
                  revenue: sum(amount)
                  bad: sum(amuont)
            tasks:
              extract: { source: files, output: orders, with: { path: orders.csv } }
            """);

        var errors = await Validation.CheckValidator.ProbeAsync(_project.Load(), new DuckDbCheckRunner(), CancellationToken.None);

        Assert.Equal(3, errors.Count);
        Assert.Equal("pipeline.yaml:8:14", errors[0].Location.ToString());
        Assert.StartsWith("check 'typo' on dataset 'orders': its SQL does not compile: Binder Error: Referenced column \"amout\" not found", errors[0].Message, StringComparison.Ordinal);
        Assert.StartsWith("check 'garbled' on dataset 'orders': its SQL does not compile: Parser Error", errors[1].Message, StringComparison.Ordinal);
        Assert.StartsWith("metric 'bad' of dataset 'orders': 'sum(amuont)' does not compile: Binder Error", errors[2].Message, StringComparison.Ordinal);
        _ = pipeline;
    }
}
