using System.Globalization;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>
/// on_empty: an empty input that would remove rows (warehouse replace, delete_insert of a partition,
/// scd2 close_missing, a whole-folder lake replace) is refused by default and the rows stay.
/// </summary>
public sealed class EmptyLoadTests : IDisposable
{
    private readonly TestProject _project = new();

    private void Pipeline(string sink, string with, string onEmpty = "") => _project.Write("pipeline.yaml", $$$"""
        name: loads
        tasks:
          extract: { source: files, output: raw, on_empty: ok, with: { path: "in/{{ ds }}.csv" } }
          load:
            sink: {{{sink}}}
            input: raw
            {{{onEmpty}}}
            with: { {{{with}}} }
        """);

    private async Task LoadAsync(string date, string csv)
    {
        _project.Write($"in/{date}.csv", csv);
        var result = await _project.RunAsync("pipeline.yaml", date);
        Assert.True(result.Succeeded, result.Run.Error);
    }

    private string Table() => _project.Warehouse("wh.duckdb").Snapshot("t");

    [Theory]
    [InlineData("replace", "", "remove 2 row(s) of main.t")]
    [InlineData("delete_insert", ", partition_column: batch, partition_value: b1", "remove 2 row(s) of main.t (partition batch = b1)")]
    public async Task An_empty_input_does_not_empty_a_warehouse_table_unless_on_empty_allows_it(string mode, string options, string effect)
    {
        Pipeline("duckdb", $"database: wh.duckdb, table: t, mode: {mode}{options}");
        await LoadAsync("2024-03-01", "batch,v\nb1,x\nb1,y\n");
        _project.Write("in/2024-03-02.csv", "batch,v\n");

        var refused = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(refused.Succeeded);
        var error = refused.Tasks.Single(t => t.TaskId == "load").Error;
        Assert.Contains($"task 'load': the input 'raw' is empty (0 rows) for 2024-03-02, and mode '{mode}' would {effect}; refused, nothing was changed", error);
        Assert.Contains("on_empty: ok", error);
        Assert.Equal("b1|x\nb1|y", Table());

        Pipeline("duckdb", $"database: wh.duckdb, table: t, mode: {mode}{options}", "on_empty: warn");
        var warned = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.True(warned.Succeeded, warned.Run.Error);
        Assert.Equal(0L, _project.Warehouse("wh.duckdb").Count("t"));
    }

    [Fact]
    public async Task Empty_loads_that_remove_nothing_pass_whatever_on_empty_says()
    {
        Pipeline("duckdb", "database: wh.duckdb, table: t, mode: delete_insert, partition_column: batch");
        await LoadAsync("2024-03-01", "batch,v\nb1,x\n");

        // Without partition_value, the partitions replaced are those in the input: none.
        await LoadAsync("2024-03-02", "batch,v\n");

        Assert.Equal("b1|x", Table());
    }

    [Fact]
    public async Task An_empty_snapshot_does_not_close_every_current_version()
    {
        Pipeline("duckdb", "database: wh.duckdb, table: t, mode: scd2, key: id, close_missing: true");
        await LoadAsync("2024-03-01", "id,v\nk1,x\nk2,y\n");
        _project.Write("in/2024-03-02.csv", "id,v\n");

        var refused = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(refused.Succeeded);
        Assert.Contains("would close 2 current version(s) of main.t (close_missing: true); refused", refused.Tasks.Single(t => t.TaskId == "load").Error);
        Assert.Equal(2L, _project.Warehouse("wh.duckdb").Count("t WHERE is_current AND sk <> -1"));
    }

    [Fact]
    public async Task An_empty_input_does_not_replace_a_whole_lake_folder_unless_on_empty_allows_it()
    {
        Pipeline("parquet", "path: lake/events, mode: replace");
        await LoadAsync("2024-03-01", "batch,v\nb1,x\nb1,y\n");
        _project.Write("in/2024-03-02.csv", "batch,v\n");

        var refused = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(refused.Succeeded);
        Assert.Contains("mode 'replace' would remove 2 row(s) of the lake folder", refused.Tasks.Single(t => t.TaskId == "load").Error);
        Assert.Equal(2L, LakeRows());

        Pipeline("parquet", "path: lake/events, mode: replace", "on_empty: ok");
        Assert.True((await _project.RunAsync("pipeline.yaml", "2024-03-02")).Succeeded);
        Assert.Equal(0L, LakeRows());
    }

    [Fact]
    public async Task An_empty_input_replaces_no_lake_partition()
    {
        Pipeline("parquet", "path: lake/events, partition_by: [batch]");
        await LoadAsync("2024-03-01", "batch,v\nb1,x\nb1,y\n");

        await LoadAsync("2024-03-02", "batch,v\n");

        Assert.Equal(2L, LakeRows());
    }

    [Fact]
    public async Task A_header_only_order_file_for_a_loaded_day_keeps_its_facts_and_revenue()
    {
        _project.CopySalesExample();
        Assert.True((await _project.RunAsync("sales_etl.yaml", "2024-03-01")).Succeeded);
        Assert.True((await _project.RunAsync("sales_etl.yaml", "2024-03-02")).Succeeded);
        var warehouse = _project.Warehouse("warehouse/sales.duckdb");
        string[] tables = ["fact_sales", "daily_revenue", "dim_customer"];
        var before = tables.ToDictionary(t => t, warehouse.Snapshot);
        var orders = SalesExpectations.For(_project.Root, "2024-03-02").Orders;
        var file = _project.PathOf("data/orders/orders_2024-03-02.csv");
        File.WriteAllText(file, File.ReadLines(file).First() + "\n");

        var rerun = await _project.RunAsync("sales_etl.yaml", "2024-03-02");

        Assert.False(rerun.Succeeded);
        var facts = rerun.Tasks.Single(t => t.TaskId == "load_fact_sales");
        Assert.Equal(TaskState.Failed, facts.State);
        Assert.Contains($"would remove {orders} row(s) of main.fact_sales (partition order_date = 2024-03-02); refused, nothing was changed", facts.Error);
        Assert.Contains("would remove 1 row(s) of main.daily_revenue (partition order_date = 2024-03-02)", rerun.Tasks.Single(t => t.TaskId == "load_daily_revenue").Error);
        foreach (var table in tables)
        {
            Assert.Equal(before[table], warehouse.Snapshot(table));
        }

        Assert.Equal(orders, Convert.ToInt64(warehouse.Scalar("SELECT count(*) FROM fact_sales WHERE order_date = DATE '2024-03-02'"), CultureInfo.InvariantCulture));
    }

    private long LakeRows() =>
        Convert.ToInt64(Warehouse.InMemory().Query($"SELECT count(*) FROM read_parquet('{_project.PathOf("lake/events/**/*.parquet")}')")[0][0], CultureInfo.InvariantCulture);

    public void Dispose() => _project.Dispose();
}
