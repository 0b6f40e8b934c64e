using System.Globalization;
using System.Text;
using Sluice.State;
using Sluice.Validation;

namespace Sluice.IntegrationTests;

/// <summary>
/// Declared NULL rules on a dataset (nullable: false, max_null_fraction) fail the task that wrote
/// it before any sink loads it, naming the column, the counts and the declaration.
/// </summary>
public sealed class NullContractTests : IDisposable
{
    private readonly TestProject _project = new();

    private void WriteOrdersPipeline(string amountColumn)
    {
        _project.Write("pipeline.yaml", $$$"""
            name: orders
            datasets:
              raw_orders:
                columns:
                  id: BIGINT
                  amount: {{{amountColumn}}}
            tasks:
              extract:
                source: files
                output: raw_orders
                retries: 2
                retry_delay: 10ms
                with: { path: "in/orders_{{ ds }}.csv" }
              load:
                sink: duckdb
                input: raw_orders
                with: { database: wh.duckdb, table: orders, mode: delete_insert, partition_column: id }
            """);
    }

    /// <summary>A day of orders where <paramref name="nullAmounts"/> of <paramref name="rows"/> have no amount.</summary>
    private void WriteOrders(string date, int rows, int nullAmounts)
    {
        var csv = new StringBuilder("id,amount\n");
        for (var i = 1; i <= rows; i++)
        {
            csv.Append(CultureInfo.InvariantCulture, $"{i},{(i <= nullAmounts ? string.Empty : "12.50")}\n");
        }

        _project.Write($"in/orders_{date}.csv", csv.ToString());
    }

    [Fact]
    public async Task An_all_null_amount_declared_not_nullable_fails_the_extract_and_nothing_is_loaded()
    {
        WriteOrdersPipeline("""{ type: "DECIMAL(12,2)", nullable: false }""");
        WriteOrders("2024-03-02", rows: 352, nullAmounts: 352);

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(result.Succeeded);
        var extract = result.Tasks.Single(t => t.TaskId == "extract");
        Assert.Equal(TaskState.Failed, extract.State);
        Assert.Equal(1, extract.TryNumber);
        Assert.Contains("dataset 'raw_orders'", extract.Error);
        Assert.Contains("column 'amount' is declared nullable: false (pipeline.yaml:6:7) but 352 of 352 rows are NULL", extract.Error);
        Assert.NotEqual(TaskState.Success, result.Tasks.Single(t => t.TaskId == "load").State);
        Assert.False(_project.Warehouse("wh.duckdb").Exists);
    }

    [Fact]
    public async Task A_bad_day_after_a_good_one_leaves_the_warehouse_table_unchanged()
    {
        WriteOrdersPipeline("""{ type: "DECIMAL(12,2)", nullable: false }""");
        WriteOrders("2024-03-01", rows: 5, nullAmounts: 0);
        WriteOrders("2024-03-02", rows: 8, nullAmounts: 1);
        Assert.True((await _project.RunAsync("pipeline.yaml", "2024-03-01")).Succeeded);

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(result.Succeeded);
        Assert.Contains("1 of 8 rows are NULL", result.Tasks.Single(t => t.TaskId == "extract").Error);
        var warehouse = _project.Warehouse("wh.duckdb");
        Assert.Equal(5, warehouse.Count("orders"));
        Assert.Equal(62.5m, Convert.ToDecimal(warehouse.Scalar("SELECT sum(amount) FROM orders"), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Ten_percent_nulls_above_a_max_null_fraction_of_five_percent_fails_naming_both()
    {
        WriteOrdersPipeline("""{ type: "DECIMAL(12,2)", max_null_fraction: 0.05 }""");
        WriteOrders("2024-03-02", rows: 100, nullAmounts: 10);

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(result.Succeeded);
        var extract = result.Tasks.Single(t => t.TaskId == "extract");
        Assert.Equal(1, extract.TryNumber);
        Assert.Contains("column 'amount' has 10 of 100 rows NULL, a fraction of 0.10 > max_null_fraction 0.05 (pipeline.yaml:6:7)", extract.Error);
        Assert.False(_project.Warehouse("wh.duckdb").Exists);
    }

    [Fact]
    public async Task One_percent_nulls_within_a_max_null_fraction_of_five_percent_loads()
    {
        WriteOrdersPipeline("""{ type: "DECIMAL(12,2)", max_null_fraction: 0.05 }""");
        WriteOrders("2024-03-02", rows: 100, nullAmounts: 1);

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(100, _project.Warehouse("wh.duckdb").Count("orders"));
    }

    [Theory]
    [InlineData("1.5")]
    [InlineData("abc")]
    [InlineData("-0.1")]
    public void A_max_null_fraction_outside_zero_to_one_fails_validation_at_its_location(string value)
    {
        WriteOrdersPipeline($$"""{ type: "DECIMAL(12,2)", max_null_fraction: {{value}} }""");

        var error = Assert.Throws<PipelineValidationException>(() => _project.Load());

        var message = Assert.Single(error.Errors).ToString();
        Assert.Contains("pipeline.yaml:6:", message);
        Assert.Contains($"max_null_fraction of column 'amount' in dataset 'raw_orders' must be a number from 0 to 1 (for example 0.05 for at most 5% NULLs), not '{value}'.", message);
    }

    [Fact]
    public void A_misspelt_column_key_suggests_the_right_one()
    {
        WriteOrdersPipeline("""{ type: "DECIMAL(12,2)", max_null_fractoin: 0.05 }""");

        var error = Assert.Throws<PipelineValidationException>(() => _project.Load());

        var message = Assert.Single(error.Errors).ToString();
        Assert.Contains("pipeline.yaml:6:", message);
        Assert.Contains("Did you mean 'max_null_fraction'?", message);
    }

    public void Dispose() => _project.Dispose();
}
