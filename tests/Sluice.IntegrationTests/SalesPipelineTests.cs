using System.Globalization;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.State;

namespace Sluice.IntegrationTests;

public sealed class SalesPipelineTests : IDisposable
{
    private readonly TestProject _project = new();

    [Fact]
    public async Task Three_days_build_the_star_schema_with_numbers_that_match_an_independent_calculation()
    {
        _project.CopySalesExample();
        string[] days = ["2024-03-01", "2024-03-02", "2024-03-03"];
        foreach (var day in days)
        {
            var result = await _project.RunAsync("sales_etl.yaml", day);
            Assert.True(result.Succeeded, result.Run.Error);
            Assert.All(result.Tasks, t => Assert.Equal(TaskState.Success, t.State));
        }

        var warehouse = _project.Warehouse("warehouse/sales.duckdb");
        foreach (var day in days)
        {
            var expected = SalesExpectations.For(_project.Root, day);
            var row = warehouse.Query($"SELECT total_revenue, order_count, unique_customers FROM daily_revenue WHERE order_date = DATE '{day}'").Single();
            Assert.Equal(expected.Revenue, Convert.ToDecimal(row[0], CultureInfo.InvariantCulture));
            Assert.Equal(expected.Orders, Convert.ToInt64(row[1], CultureInfo.InvariantCulture));
            Assert.Equal(expected.Customers, Convert.ToInt64(row[2], CultureInfo.InvariantCulture));
            Assert.True(expected.Filled > 0 && expected.Corrected > 0, "the example data should contain missing amounts and outliers");
            var sources = warehouse.Query($"SELECT amount_source, count(*) FROM fact_sales WHERE order_date = DATE '{day}' GROUP BY 1")
                .ToDictionary(r => (string)r[0]!, r => Convert.ToInt32(r[1], CultureInfo.InvariantCulture));
            Assert.Equal(expected.Filled, sources["filled_from_list_price"]);
            Assert.Equal(expected.Corrected, sources["corrected_outlier"]);
        }

        Assert.Equal(days.Sum(d => SalesExpectations.For(_project.Root, d).Orders), warehouse.Count("fact_sales"));
        Assert.Equal(0L, warehouse.Count("fact_sales f LEFT JOIN dim_product p USING (product_id) WHERE p.product_id IS NULL"));
        Assert.Equal(0L, warehouse.Count("fact_sales f LEFT JOIN dim_customer c USING (customer_id) WHERE c.customer_id IS NULL"));
        Assert.Equal(0L, warehouse.Count("fact_sales f LEFT JOIN dim_date d USING (date_key) WHERE d.date_key IS NULL"));
        Assert.Equal(3L, warehouse.Count("dim_date"));
        Assert.Equal(0L, warehouse.Count("dim_customer WHERE email <> lower(trim(email))"));
    }

    [Fact]
    public async Task The_lake_holds_one_hive_partition_per_day_with_the_cleaned_facts()
    {
        _project.CopySalesExample();
        Assert.True((await _project.RunAsync("sales_etl.yaml", "2024-03-01")).Succeeded);
        Assert.True((await _project.RunAsync("sales_etl.yaml", "2024-03-02")).Succeeded);

        var partitions = Directory.GetDirectories(_project.PathOf("lake/fact_sales")).Select(Path.GetFileName).Order().ToList();
        Assert.Equal(["order_date=2024-03-01", "order_date=2024-03-02"], partitions);
        var lake = Warehouse.InMemory();
        var glob = _project.PathOf("lake/fact_sales/**/*.parquet");
        var counts = lake.Query($"SELECT order_date, count(*) FROM read_parquet('{glob}', hive_partitioning = true) GROUP BY 1 ORDER BY 1");
        Assert.Equal(SalesExpectations.For(_project.Root, "2024-03-01").Orders, Convert.ToInt64(counts[0][1], CultureInfo.InvariantCulture));
        Assert.Equal(SalesExpectations.For(_project.Root, "2024-03-02").Orders, Convert.ToInt64(counts[1][1], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Running_the_same_date_twice_gives_the_same_tables_and_lake()
    {
        _project.CopySalesExample();
        Assert.True((await _project.RunAsync("sales_etl.yaml", "2024-03-01")).Succeeded);
        Assert.True((await _project.RunAsync("sales_etl.yaml", "2024-03-02")).Succeeded);
        var warehouse = _project.Warehouse("warehouse/sales.duckdb");
        string[] tables = ["fact_sales", "dim_date", "dim_product", "dim_customer", "daily_revenue"];
        var before = tables.ToDictionary(t => t, warehouse.Snapshot);
        var lakeFiles = Directory.GetFiles(_project.PathOf("lake/fact_sales"), "*.parquet", SearchOption.AllDirectories).Length;

        var again = await _project.RunAsync("sales_etl.yaml", "2024-03-01");

        Assert.True(again.Succeeded, again.Run.Error);
        foreach (var table in tables)
        {
            Assert.Equal(before[table], warehouse.Snapshot(table));
        }

        Assert.Equal(lakeFiles, Directory.GetFiles(_project.PathOf("lake/fact_sales"), "*.parquet", SearchOption.AllDirectories).Length);
        var lakeRows = Warehouse.InMemory().Query($"SELECT count(*) FROM read_parquet('{_project.PathOf("lake/fact_sales/**/*.parquet")}')");
        Assert.Equal(warehouse.Count("fact_sales"), Convert.ToInt64(lakeRows[0][0], CultureInfo.InvariantCulture));
    }

    public void Dispose() => _project.Dispose();
}
