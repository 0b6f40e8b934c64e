using Sluice.Transforms.Models.Tests.Infrastructure;

namespace Sluice.Transforms.Models.Tests;

/// <summary>All models of a task are built in one transaction: a failure leaves the warehouse exactly as it was.</summary>
public sealed class TransactionTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    [Fact]
    public async Task A_failing_model_in_the_middle_leaves_every_view_and_table_as_before()
    {
        Shop.Setup(_project);
        Shop.StagingModels(_project);
        _project.Write("models/orders.sql", "-- materialized: incremental\n-- unique_key: order_id\nSELECT * FROM {{ ref('stg_orders') }}");
        _project.Write("models/revenue.sql", "-- materialized: table\nSELECT customer_id, sum(amount) AS revenue FROM {{ ref('orders') }} GROUP BY ALL");
        _project.Write("models/top.sql", "-- materialized: table\nSELECT * FROM {{ ref('revenue') }} ORDER BY revenue DESC LIMIT 1");
        var first = await _project.RunAsync("pipeline.yaml", "2024-03-01");
        Assert.True(first.Succeeded, first.Run.Error);
        var before = _project.Warehouse("wh.duckdb").SnapshotAll();

        // The next day: a view changes, a new model appears, the incremental table and the sources
        // copies take new rows, and then a model fails.
        _project.Write("models/staging/stg_customers.sql", "SELECT customer_id, upper(name) AS name FROM {{ source('raw_customers') }}");
        _project.Write("models/brand_new.sql", "-- materialized: table\nSELECT 42 AS answer");
        _project.Write("models/revenue.sql", "-- materialized: table\nSELECT customer_id,\n       sum(amout) AS revenue\nFROM {{ ref('orders') }} GROUP BY ALL");
        var log = new RunLog();
        var failed = await _project.RunAsync("pipeline.yaml", "2024-03-02", observer: log);

        Assert.False(failed.Succeeded);
        Assert.Contains("build: built main.orders (incremental, delete_insert on order_id): 2 row(s) inserted, 1 deleted; 3 in the table", log.Lines);
        Assert.Contains("build: built main.brand_new (table): 1 row(s)", log.Lines);
        Assert.DoesNotContain(log.Lines, l => l.Contains("main.top", StringComparison.Ordinal));
        var task = Assert.Single(failed.Tasks, t => t.TaskId == "build");
        Assert.Equal(1, task.TryNumber);
        Assert.Equal(
            $"{_project.PathOf("models/revenue.sql")}:3:12: model 'revenue' (table) failed: Binder Error: Referenced column \"amout\" not found in FROM clause! The transaction was rolled back; the warehouse is as it was before this task.",
            task.Error);
        Assert.Equal(before, _project.Warehouse("wh.duckdb").SnapshotAll());
        Assert.Contains("main.stg_customers VIEW", _project.Warehouse("wh.duckdb").Relations());
        Assert.DoesNotContain("main.brand_new BASE TABLE", _project.Warehouse("wh.duckdb").Relations());
    }

    [Fact]
    public async Task A_data_error_in_the_last_model_rolls_back_the_first_build_too()
    {
        Shop.Setup(_project);
        _project.Write("models/a.sql", "-- materialized: table\nSELECT 1 AS x");
        _project.Write("models/b.sql", "-- materialized: table\nSELECT CAST('not a number' AS INTEGER) AS y FROM {{ ref('a') }}");

        var failed = await _project.RunAsync("pipeline.yaml", "2024-03-01");

        Assert.False(failed.Succeeded);
        Assert.Contains("model 'b' (table) failed: Conversion Error:", failed.Run.Error);
        Assert.Empty(_project.Warehouse("wh.duckdb").Relations());
    }
}
