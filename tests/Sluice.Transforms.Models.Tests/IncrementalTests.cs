using Sluice.Transforms.Models.Tests.Infrastructure;

namespace Sluice.Transforms.Models.Tests;

/// <summary>Incremental models: first build, append with a {{ this }} filter, delete_insert by key, reruns, full refresh, new columns.</summary>
public sealed class IncrementalTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    private async Task<string> RunAsync(string date, string model = "orders")
    {
        var log = new RunLog();
        var result = await _project.RunAsync("pipeline.yaml", date, observer: log);
        Assert.True(result.Succeeded, result.Run.Error + "\n" + log);
        return Assert.Single(log.Lines, l => l.StartsWith($"build: built main.{model} ", StringComparison.Ordinal));
    }

    private string Table(string table = "orders") => _project.Warehouse("wh.duckdb").Snapshot(table);

    [Fact]
    public async Task Append_adds_only_rows_newer_than_the_table_and_a_rerun_adds_nothing()
    {
        Shop.Setup(_project);
        _project.Write("models/orders.sql", """
            -- materialized: incremental
            SELECT order_id, order_ts, amount
            FROM {{ source('raw_orders') }}
            {% if is_incremental %}
            WHERE order_ts > (SELECT max(order_ts) FROM {{ this }})
            {% endif %}
            """);

        Assert.Equal("build: built main.orders (incremental, first build): 2 row(s)", await RunAsync("2024-03-01"));
        Assert.Equal("build: built main.orders (incremental, append): 2 row(s) inserted; 4 in the table", await RunAsync("2024-03-02"));
        var afterSecondDay = Table();

        Assert.Equal("build: built main.orders (incremental, append): 0 row(s) inserted; 4 in the table", await RunAsync("2024-03-02"));

        Assert.Equal(afterSecondDay, Table());
        Assert.Equal("1|2024-03-01 09:00:00|10.00\n2|2024-03-01 10:00:00|20.00\n2|2024-03-02 11:00:00|25.00\n3|2024-03-02 08:00:00|5.00", afterSecondDay);
    }

    [Fact]
    public async Task Unique_key_replaces_changed_rows_and_a_rerun_of_the_interval_is_idempotent()
    {
        Shop.Setup(_project);
        _project.Write("models/orders.sql", """
            -- materialized: incremental
            -- unique_key: order_id
            SELECT order_id, customer_id, amount FROM {{ source('raw_orders') }}
            """);

        await RunAsync("2024-03-01");
        Assert.Equal("1|C1|10.00\n2|C2|20.00", Table());

        Assert.Equal("build: built main.orders (incremental, delete_insert on order_id): 2 row(s) inserted, 1 deleted; 3 in the table", await RunAsync("2024-03-02"));
        Assert.Equal("1|C1|10.00\n2|C2|25.00\n3|C1|5.00", Table());

        Assert.Equal("build: built main.orders (incremental, delete_insert on order_id): 2 row(s) inserted, 2 deleted; 3 in the table", await RunAsync("2024-03-02"));
        Assert.Equal("1|C1|10.00\n2|C2|25.00\n3|C1|5.00", Table());
    }

    [Fact]
    public async Task A_key_that_is_not_unique_replaces_whole_partitions()
    {
        Shop.Setup(_project);
        _project.Write("models/orders.sql", """
            -- materialized: incremental
            -- unique_key: day
            SELECT CAST(order_ts AS DATE) AS day, order_id, amount FROM {{ source('raw_orders') }}
            """);
        await RunAsync("2024-03-01");
        await RunAsync("2024-03-02");

        // The first day's file is corrected and the day re-run: its rows are replaced, the second day's kept.
        _project.Write("in/orders_2024-03-01.csv", Shop.Orders1 + "4,2024-03-01 12:00:00,C1,1.00\n");
        Assert.Equal("build: built main.orders (incremental, delete_insert on day): 3 row(s) inserted, 2 deleted; 5 in the table", await RunAsync("2024-03-01"));

        Assert.Equal("2024-03-01|1|10.00\n2024-03-01|2|20.00\n2024-03-01|4|1.00\n2024-03-02|2|25.00\n2024-03-02|3|5.00", Table());
    }

    [Fact]
    public async Task The_else_branch_is_used_on_the_first_build_only()
    {
        Shop.Setup(_project);
        _project.Write("models/orders.sql", """
            -- materialized: incremental
            SELECT order_id FROM {{ source('raw_orders') }}
            {% if is_incremental() %}
            WHERE order_id NOT IN (SELECT order_id FROM {{ this }})
            {% else %}
            WHERE order_id > 1
            {% endif %}
            """);

        await RunAsync("2024-03-01");
        Assert.Equal("2", Table());
        await RunAsync("2024-03-02");
        Assert.Equal("2\n3", Table());
    }

    [Fact]
    public async Task Full_refresh_rebuilds_an_incremental_model_from_scratch()
    {
        Shop.Setup(_project, with: "\n      full_refresh: ${FULL_REFRESH:-false}");
        _project.Write("models/orders.sql", "-- materialized: incremental\nSELECT order_id FROM {{ source('raw_orders') }}");
        await RunAsync("2024-03-01");
        await RunAsync("2024-03-02");
        Assert.Equal("1\n2\n2\n3", Table());

        Environment.SetEnvironmentVariable("FULL_REFRESH", "true");
        try
        {
            Assert.Equal("build: built main.orders (incremental, full refresh): 2 row(s)", await RunAsync("2024-03-02"));
        }
        finally
        {
            Environment.SetEnvironmentVariable("FULL_REFRESH", null);
        }

        Assert.Equal("2\n3", Table());
    }

    [Fact]
    public async Task A_new_column_fails_unless_the_model_allows_appending_it()
    {
        Shop.Setup(_project);
        _project.Write("models/orders.sql", "-- materialized: incremental\n-- unique_key: order_id\nSELECT order_id, amount FROM {{ source('raw_orders') }}");
        await RunAsync("2024-03-01");
        var before = _project.Warehouse("wh.duckdb").SnapshotAll();

        _project.Write("models/orders.sql", "-- materialized: incremental\n-- unique_key: order_id\nSELECT order_id, amount, 'web' AS channel FROM {{ source('raw_orders') }}");
        var refused = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(refused.Succeeded);
        Assert.Contains(
            $"{_project.PathOf("models/orders.sql")}:1:1: incremental model 'orders' now returns column(s) its table main.orders lacks: + channel VARCHAR. Add '-- on_schema_change: append_new_columns' to add them, or rebuild the table with the task option full_refresh: true.",
            refused.Run.Error);
        Assert.Equal(before, _project.Warehouse("wh.duckdb").SnapshotAll());

        _project.Write("models/orders.sql", "-- materialized: incremental\n-- unique_key: order_id\n-- on_schema_change: append_new_columns\nSELECT order_id, amount, 'web' AS channel FROM {{ source('raw_orders') }}");
        await RunAsync("2024-03-02");
        Assert.Equal("1|10.00|NULL\n2|25.00|web\n3|5.00|web", Table());
    }

    [Fact]
    public async Task A_view_that_became_incremental_is_built_as_a_table()
    {
        Shop.Setup(_project);
        _project.Write("models/orders.sql", "SELECT order_id FROM {{ source('raw_orders') }}");
        await RunAsync("2024-03-01");

        _project.Write("models/orders.sql", "-- materialized: incremental\nSELECT order_id FROM {{ source('raw_orders') }}");
        Assert.Equal("build: built main.orders (incremental, first build): 2 row(s)", await RunAsync("2024-03-02"));
        Assert.Contains("main.orders BASE TABLE", _project.Warehouse("wh.duckdb").Relations());
    }

    [Fact]
    public async Task A_unique_key_that_is_not_a_column_is_named_with_the_columns_there_are()
    {
        Shop.Setup(_project);
        _project.Write("models/orders.sql", "-- materialized: incremental\n-- unique_key: order_id\nSELECT order_id, amount FROM {{ source('raw_orders') }}");
        await RunAsync("2024-03-01");
        _project.Write("models/orders.sql", "-- materialized: incremental\n-- unique_key: id\nSELECT order_id, amount FROM {{ source('raw_orders') }}");

        var refused = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(refused.Succeeded);
        Assert.Contains(
            $"{_project.PathOf("models/orders.sql")}:2:16: unique_key column(s) id of model 'orders' must be columns of both its query and its table main.orders. Query columns: order_id, amount.",
            refused.Run.Error);
        Assert.Equal("1|10.00\n2|20.00", Table());
    }
}
