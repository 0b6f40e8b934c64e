using System.Globalization;
using Sluice.Events;
using Sluice.Metadata.Sqlite;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>
/// Data checks declared on a dataset run over what its task staged, before anything is published:
/// each check type passes and fails on real Parquet, an error check fails the task once (no retry)
/// and keeps the data out of the warehouse, a warn check only warns, and every verdict and metric is
/// recorded in the event log.
/// </summary>
public sealed class DataCheckTests : IDisposable
{
    private readonly TestProject _project = new();

    public DataCheckTests()
    {
        _project.Write("in/customers.csv", "id,name\n10,Ada\n11,Bo\n99,Cy\n");
        _project.Write("in/orders_2024-03-01.csv", """
            id,customer_id,category,amount,ts
            1,10,books,12.5,2024-03-01 08:00:00
            2,11,toys,3.0,2024-03-01 09:00:00
            3,10,books,,2024-03-01 23:00:00
            3,99,garden,-1.0,2024-03-01 10:00:00

            """);
    }

    public void Dispose() => _project.Dispose();

    private void WritePipeline(string checks, string severityAndMore = "", string ordersColumns = "")
    {
        _project.Write("pipeline.yaml", $$$"""
            name: shop
            datasets:
              orders:
            {{{ordersColumns}}}
                checks:
                  - {{{checks}}}
            {{{severityAndMore}}}
            tasks:
              extract_customers: { source: files, output: customers, with: { path: "in/customers.csv" } }
              extract_orders:
                source: files
                output: orders
                depends_on: [extract_customers]
                retries: 2
                retry_delay: 10ms
                with: { path: "in/orders_{{ ds }}.csv" }
              load:
                sink: duckdb
                input: orders
                with: { database: wh.duckdb, table: orders, mode: replace }
            """);
    }

    private async Task<List<RunEvent>> EventsAsync(string type)
    {
        await using var store = await SqliteMetadataStore.OpenAsync(Path.Combine(_project.StateDirectory, "sluice.db"));
        var events = await store.ReadAsync(new EventQuery { Types = [type], Limit = 10_000 }, CancellationToken.None);
        return events.ToList();
    }

    [Theory]
    [InlineData("row_count: { min: 1, max: 10 }", true)]
    [InlineData("row_count: { min: 5 }", false)]
    [InlineData("not_null: [id, customer_id]", true)]
    [InlineData("not_null: [amount]", false)]
    [InlineData("unique: { columns: [id, customer_id] }", true)]
    [InlineData("unique: [id]", false)]
    [InlineData("accepted_values: { column: category, values: [books, toys, garden] }", true)]
    [InlineData("accepted_values: { column: category, values: [books, toys] }", false)]
    [InlineData("range: { column: amount, min: -5, max: 100 }", true)]
    [InlineData("range: { column: amount, min: 0 }", false)]
    [InlineData("freshness: { column: ts, max_age: 2h }", true)]
    [InlineData("freshness: { column: ts, max_age: 30m }", false)]
    [InlineData("relationships: { column: customer_id, to: customers, field: id }", true)]
    [InlineData("relationships: { column: id, to: customers, field: id }", false)]
    [InlineData("reconcile: { with: customers, tolerance: 0.25 }", true)]
    [InlineData("reconcile: { with: customers }", false)]
    [InlineData("sql: \"SELECT * FROM orders WHERE amount > 1000\"", true)]
    [InlineData("sql: \"SELECT * FROM orders WHERE amount < 0\"", false)]
    public async Task Each_check_type_passes_on_good_data_and_fails_the_task_on_bad(string check, bool passes)
    {
        WritePipeline(check);

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01");

        var verdict = Assert.Single(await EventsAsync(EventTypes.CheckResult));
        Assert.Equal(passes ? "pass" : "fail", verdict.Text("outcome"));
        Assert.Equal("orders", verdict.Text("dataset"));
        Assert.Equal("shop", verdict.Text("pipeline"));
        Assert.Equal("error", verdict.Text("severity"));
        Assert.False(string.IsNullOrEmpty(verdict.Text("observed")));
        Assert.Equal(passes, result.Succeeded);
        var extract = result.Tasks.Single(t => t.TaskId == "extract_orders");
        Assert.Equal(passes ? TaskState.Success : TaskState.Failed, extract.State);
        if (!passes)
        {
            Assert.Equal(1, extract.TryNumber);
            Assert.Contains($"check '{verdict.Text("check")}' on dataset 'orders' (pipeline.yaml:6:", extract.Error, StringComparison.Ordinal);
            Assert.Contains("Nothing was published", extract.Error, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Failing_checks_say_what_they_saw()
    {
        WritePipeline("not_null: [amount]", """
                  - unique: [id]
                    severity: warn
                  - accepted_values: { column: category, values: [books, toys] }
                    severity: warn
                  - range: { column: amount, min: 0 }
                    severity: warn
                  - relationships: { column: id, to: customers, field: id }
                    severity: warn
                  - sql: "SELECT id, amount FROM orders WHERE amount < 0"
                    severity: warn
            """);

        await _project.RunAsync("pipeline.yaml", "2024-03-01");

        var messages = (await EventsAsync(EventTypes.CheckResult)).ToDictionary(e => e.Text("check")!, e => e.Text("message")!);
        Assert.Equal("1 of 4 rows have no amount", messages["not_null(amount)"]);
        Assert.Equal("1 row(s) repeat a id already seen", messages["unique(id)"]);
        Assert.Equal("1 row(s) have a category outside [books, toys], e.g. 'garden'", messages["accepted_values(category)"]);
        Assert.Equal("1 row(s) have a amount outside [0, ∞] (min -1.0, max 12.5)", messages["range(amount)"]);
        Assert.Equal("4 row(s) have a id missing from customers.id, e.g. '1'", messages["relationships(id->customers.id)"]);
        Assert.Equal("the query returned 1 row(s), e.g. (3, -1)", messages["sql"]);
    }

    [Fact]
    public async Task An_error_check_after_a_good_day_leaves_the_warehouse_table_unchanged_and_is_not_retried()
    {
        WritePipeline("range: { column: amount, min: -5 }");
        Assert.True((await _project.RunAsync("pipeline.yaml", "2024-03-01")).Succeeded);
        var before = _project.Warehouse("wh.duckdb").Snapshot("orders");
        _project.Write("in/orders_2024-03-02.csv", "id,customer_id,category,amount,ts\n7,10,books,-900,2024-03-02 08:00:00\n");

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(result.Succeeded);
        var extract = result.Tasks.Single(t => t.TaskId == "extract_orders");
        Assert.Equal(TaskState.Failed, extract.State);
        Assert.Equal(1, extract.TryNumber);
        Assert.Equal(TaskState.UpstreamFailed, result.Tasks.Single(t => t.TaskId == "load").State);
        Assert.Equal(before, _project.Warehouse("wh.duckdb").Snapshot("orders"));
        Assert.Equal(4, _project.Warehouse("wh.duckdb").Count("orders"));
        Assert.False(File.Exists(_project.Staged("shop", "2024-03-02", "orders")));
    }

    [Fact]
    public async Task A_warn_check_logs_a_warning_and_the_run_loads_the_data()
    {
        WritePipeline("not_null: [amount]", "        severity: warn");

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(4, _project.Warehouse("wh.duckdb").Count("orders"));
        var verdict = Assert.Single(await EventsAsync(EventTypes.CheckResult));
        Assert.Equal(("fail", "warn"), (verdict.Text("outcome"), verdict.Text("severity")));
        Assert.Contains(await EventsAsync(EventTypes.Log), e => e.Text("level") == "warning" && e.Text("text")!.Contains("check 'not_null(amount)' on dataset 'orders'", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Metrics_and_the_row_count_are_recorded_once_per_dataset_and_run()
    {
        WritePipeline("row_count: { min: 1 }", """
                metrics:
                  revenue: sum(amount)
                  books: count(*) FILTER (WHERE category = 'books')
            """);

        Assert.True((await _project.RunAsync("pipeline.yaml", "2024-03-01")).Succeeded);

        var metrics = await EventsAsync(EventTypes.MetricObserved);
        var orders = metrics.Where(m => m.Text("dataset") == "orders").ToDictionary(m => m.Text("name")!, m => m);
        Assert.Equal(["books", "revenue", "rows"], orders.Keys.Order());
        Assert.Equal("4", orders["rows"].Text("value"));
        Assert.Equal(14.5, double.Parse(orders["revenue"].Text("value")!, CultureInfo.InvariantCulture));
        Assert.Equal("2", orders["books"].Text("value"));
        Assert.All(orders.Values, m => Assert.Equal(("shop", "2024-03-01"), (m.Text("pipeline"), m.Text("interval_start"))));
        // A dataset without checks still gets its row count, from what its task reported.
        Assert.Equal("3", Assert.Single(metrics, m => m.Text("dataset") == "customers").Text("value"));
    }

    [Fact]
    public async Task A_row_count_far_below_the_median_of_earlier_intervals_fails()
    {
        WritePipeline("row_count: { min_ratio_of_median: 0.5, history: 3 }");
        foreach (var (day, rows) in new[] { ("2024-03-02", 10), ("2024-03-03", 12), ("2024-03-04", 11), ("2024-03-05", 4) })
        {
            var csv = "id,customer_id,category,amount,ts\n" + string.Concat(Enumerable.Range(1, rows).Select(i => $"{i},10,books,1.0,{day} 08:00:00\n"));
            _project.Write($"in/orders_{day}.csv", csv);
        }

        foreach (var day in new[] { "2024-03-02", "2024-03-03", "2024-03-04" })
        {
            Assert.True((await _project.RunAsync("pipeline.yaml", day)).Succeeded);
        }

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-05");

        Assert.False(result.Succeeded);
        Assert.Contains("4 rows is below 0.5 × the median 11 of the last 3 interval(s)", result.Tasks.Single(t => t.TaskId == "extract_orders").Error, StringComparison.Ordinal);
        var first = (await EventsAsync(EventTypes.CheckResult)).First();
        Assert.Equal(("pass", "10 rows; no earlier intervals yet"), (first.Text("outcome"), first.Text("observed")));
    }

    [Fact]
    public async Task A_sql_check_that_does_not_compile_fails_the_task_naming_the_check_and_the_error()
    {
        WritePipeline("sql: \"SELECT * FROM orders WHERE amout < 0\"");

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01");

        var extract = result.Tasks.Single(t => t.TaskId == "extract_orders");
        Assert.Equal((TaskState.Failed, 1), (extract.State, extract.TryNumber));
        Assert.Contains("check 'sql' on dataset 'orders' (pipeline.yaml:6:", extract.Error, StringComparison.Ordinal);
        Assert.Contains("could not run: its SQL does not run: Binder Error", extract.Error, StringComparison.Ordinal);
        Assert.Contains("amout", extract.Error, StringComparison.Ordinal);
        Assert.Equal("error", Assert.Single(await EventsAsync(EventTypes.CheckResult)).Text("outcome"));
    }
}
