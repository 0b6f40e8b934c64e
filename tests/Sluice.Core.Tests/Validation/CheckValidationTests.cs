using Sluice.Core.Tests.Support;
using Sluice.Model;

namespace Sluice.Core.Tests.Validation;

/// <summary>Declared checks are validated before anything runs, at the line and column of the mistake.</summary>
public sealed class CheckValidationTests
{
    private const string Tasks = """
        tasks:
          extract_customers: { source: files, output: customers, with: { path: customers.csv } }
          extract: { source: files, output: orders, depends_on: [extract_customers], with: { path: orders.csv } }
          late: { source: files, output: returns, depends_on: [extract], with: { path: returns.csv } }
        """;

    private static string Pipeline(string checks) => $$"""
        name: shop
        datasets:
          orders:
            columns: { order_id: BIGINT, amount: DOUBLE, customer_id: BIGINT }
            checks:
        {{checks}}
        {{Tasks}}
        """;

    [Fact]
    public void A_check_naming_an_undeclared_column_points_at_it_and_suggests_the_closest()
    {
        var error = Assert.Single(Pipelines.Validate(Pipeline("""
                  - not_null: [order_id, amout]
            """)));

        ErrorAssert.IsAt(error, 6, 19);
        Assert.Equal("check 'not_null(order_id,amout)' on dataset 'orders': unknown column 'amout'. Did you mean 'amount'? Valid: amount, customer_id, order_id.", error.Message);
    }

    [Fact]
    public void A_range_column_and_a_reconcile_sum_are_checked_too()
    {
        var errors = Pipelines.Validate(Pipeline("""
                  - range: { column: amont, min: 0 }
                  - reconcile: { with: customers, sum: amuont }
            """));

        Assert.Equal(2, errors.Count);
        ErrorAssert.IsAt(ErrorAssert.Single(errors, "unknown column 'amont'. Did you mean 'amount'?"), 6, 26);
        ErrorAssert.IsAt(ErrorAssert.Single(errors, "unknown column 'amuont'. Did you mean 'amount'?"), 7, 44);
    }

    [Fact]
    public void An_unknown_check_type_is_refused_with_a_suggestion()
    {
        var error = Assert.Single(Pipelines.LoadErrors(Pipeline("""
                  - not_nul: [order_id]
            """)));

        ErrorAssert.IsAt(error, 6, 9);
        Assert.StartsWith("unknown check type 'not_nul' in dataset 'orders'. Did you mean 'not_null'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_option_of_a_check_is_refused_with_a_suggestion()
    {
        var error = Assert.Single(Pipelines.LoadErrors(Pipeline("""
                  - row_count: { minn: 1 }
            """)));

        ErrorAssert.IsAt(error, 6, 22);
        Assert.StartsWith("unknown key 'minn' in check 'row_count' of dataset 'orders'. Did you mean 'min'?", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_check_without_its_required_options_and_a_bad_severity_are_refused()
    {
        var errors = Pipelines.LoadErrors(Pipeline("""
                  - accepted_values: { column: amount }
                  - not_null: [order_id]
                    severity: fatal
            """));

        Assert.Equal(2, errors.Count);
        ErrorAssert.IsAt(ErrorAssert.Single(errors, "check 'accepted_values' of dataset 'orders' needs 'values'."), 6, 26);
        ErrorAssert.IsAt(ErrorAssert.Single(errors, "severity of check 'not_null' must be warn or error (got 'fatal')."), 8, 19);
    }

    [Fact]
    public void Relationships_need_a_dataset_written_before_and_its_key_column()
    {
        var errors = Pipelines.Validate($$"""
            name: shop
            datasets:
              customers:
                columns: { id: BIGINT, name: VARCHAR }
              orders:
                checks:
                  - relationships: { column: customer_id, to: customers, field: ids }
                  - relationships: { column: customer_id, to: returns }
                  - reconcile: { with: custmers }
            {{Tasks}}
            """);

        Assert.Equal(3, errors.Count);
        Assert.Contains("dataset 'customers' unknown column 'ids'. Did you mean 'id'?", ErrorAssert.Single(errors, "'ids'").Message, StringComparison.Ordinal);
        Assert.Contains("dataset 'returns' is written by task 'late', which does not run before task 'extract'. Add 'late' to the depends_on of 'extract'", ErrorAssert.Single(errors, "written by task").Message, StringComparison.Ordinal);
        ErrorAssert.IsAt(ErrorAssert.Single(errors, "unknown dataset 'custmers'. Did you mean 'customers'?"), 9, 28);
    }

    [Fact]
    public void Checks_with_the_same_name_on_one_dataset_are_refused()
    {
        var error = Assert.Single(Pipelines.Validate(Pipeline("""
                  - sql: SELECT * FROM orders WHERE amount < 0
                  - sql: SELECT * FROM orders WHERE amount > 1000
            """)));

        Assert.Equal("dataset 'orders' has 2 checks named 'sql'; give each a distinct 'name'.", error.Message);
    }

    [Fact]
    public void Checks_metrics_and_their_options_load_into_the_model()
    {
        var orders = Pipelines.Load(Pipeline("""
                  - row_count: { min: 1, min_ratio_of_median: 0.5, history: 14 }
                  - unique: [order_id, customer_id]
                    severity: warn
                  - freshness: { column: amount, max_age: 1d }
                    name: recent
                metrics:
                  revenue: sum(amount)
            """)).FindDataset("orders")!;

        Assert.Equal(["row_count", "unique(order_id,customer_id)", "recent"], orders.Checks.Select(c => c.Name));
        Assert.Equal((0.5, 14, "1"), (orders.Checks[0].MinRatioOfMedian!.Value, orders.Checks[0].History, orders.Checks[0].Min));
        Assert.Equal(CheckSeverity.Warn, orders.Checks[1].Severity);
        Assert.Equal(TimeSpan.FromDays(1), orders.Checks[2].MaxAge);
        var revenue = Assert.Single(orders.Metrics);
        Assert.Equal(("revenue", "sum(amount)"), (revenue.Name, revenue.Expression));
    }
}
