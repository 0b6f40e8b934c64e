using Sluice.Transforms.Models.Tests.Infrastructure;

namespace Sluice.Transforms.Models.Tests;

/// <summary>Models built in dependency order as views and tables, sources, selection and outputs.</summary>
public sealed class BuildTests : IDisposable
{
    private readonly TestProject _project = new();

    public void Dispose() => _project.Dispose();

    private async Task<RunLog> RunAsync(string date)
    {
        var log = new RunLog();
        var result = await _project.RunAsync("pipeline.yaml", date, observer: log);
        Assert.True(result.Succeeded, result.Run.Error + "\n" + log);
        return log;
    }

    private static List<string> Built(RunLog log) =>
        log.Lines.Where(l => l.StartsWith("build: built ", StringComparison.Ordinal)).ToList();

    [Fact]
    public async Task Models_are_built_after_the_models_they_ref_whatever_the_file_order()
    {
        Shop.Setup(_project);
        Shop.StagingModels(_project);
        // Alphabetically first, built last.
        _project.Write("models/marts/a_revenue.sql", """
            -- materialized: table
            SELECT customer_id, name, sum(amount) AS revenue, count(*) AS orders
            FROM {{ ref('orders_enriched') }}
            GROUP BY ALL
            """);
        _project.Write("models/marts/orders_enriched.sql", """
            -- materialized: table
            SELECT o.*, c.name
            FROM {{ ref('stg_orders') }} AS o
            LEFT JOIN {{ ref("stg_customers") }} AS c USING (customer_id)
            """);

        var log = await RunAsync("2024-03-01");

        Assert.Equal(
            [
                "build: built main.stg_customers (view)",
                "build: built main.stg_orders (view)",
                "build: built main.orders_enriched (table): 2 row(s)",
                "build: built main.a_revenue (table): 2 row(s)",
            ],
            Built(log));
        var warehouse = _project.Warehouse("wh.duckdb");
        Assert.Equal(
            [
                "_sluice_sources.raw_customers BASE TABLE", "_sluice_sources.raw_orders BASE TABLE",
                "main.a_revenue BASE TABLE", "main.orders_enriched BASE TABLE", "main.stg_customers VIEW", "main.stg_orders VIEW",
            ],
            warehouse.Relations());
        Assert.Equal("C1|Ann|10|1\nC2|Bob|20|1", warehouse.Snapshot("a_revenue"));
        Assert.Contains("build: copied input 'raw_orders' to _sluice_sources.raw_orders: 2 row(s)", log.Lines);
        Assert.Contains("build: committed 4 model(s) to wh.duckdb", log.Lines);
    }

    [Fact]
    public async Task A_view_over_a_source_keeps_working_after_the_staged_files_are_gone()
    {
        Shop.Setup(_project);
        Shop.StagingModels(_project);

        await RunAsync("2024-03-01");
        Directory.Delete(_project.StateDirectory, recursive: true);

        // The view reads the copy in _sluice_sources, not the staged Parquet file.
        Assert.Equal("1|2024-03-01 09:00:00|C1|10.00\n2|2024-03-01 10:00:00|C2|20.00", _project.Warehouse("wh.duckdb").Snapshot("stg_orders"));
        Assert.DoesNotContain(".parquet", (string)_project.Warehouse("wh.duckdb").Scalar("SELECT sql FROM duckdb_views() WHERE view_name = 'stg_orders'")!, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Source_reads_the_staged_input_of_this_interval()
    {
        Shop.Setup(_project);
        _project.Write("models/day_orders.sql", """
            -- materialized: table
            SELECT order_id, amount FROM {{ source('raw_orders') }} ORDER BY order_id
            """);

        await RunAsync("2024-03-01");
        Assert.Equal("1|10.00\n2|20.00", _project.Warehouse("wh.duckdb").Snapshot("day_orders"));

        await RunAsync("2024-03-02");
        Assert.Equal("2|25.00\n3|5.00", _project.Warehouse("wh.duckdb").Snapshot("day_orders"));
        Assert.Equal("2|2024-03-02 11:00:00|C2|25.00\n3|2024-03-02 08:00:00|C1|5.00", _project.Warehouse("wh.duckdb").Snapshot("_sluice_sources.raw_orders"));
    }

    [Fact]
    public async Task Run_variables_in_a_table_model_are_bound_as_typed_parameters()
    {
        Shop.Setup(_project);
        _project.Write("models/stamped.sql", """
            -- materialized: table
            SELECT {{ ds }} AS day,
                   {{ data_interval_start }} AS starts,
                   'day {{ ds }}' AS note,
                   {{ params.label }} AS label,
                   count(*) AS orders
            FROM {{ source('raw_orders') }}
            WHERE order_ts >= {{ data_interval_start }} AND order_ts < {{ data_interval_end }}
            """);

        await RunAsync("2024-03-02");

        var warehouse = _project.Warehouse("wh.duckdb");
        Assert.Equal("2024-03-02|2024-03-02 00:00:00|day 2024-03-02|O'Hare; DROP TABLE x|2", warehouse.Snapshot("stamped"));
        Assert.Equal(
            ["day DATE", "starts TIMESTAMP", "note VARCHAR", "label VARCHAR", "orders BIGINT"],
            warehouse.Query("SELECT column_name || ' ' || data_type FROM information_schema.columns WHERE table_name = 'stamped' ORDER BY ordinal_position").Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task Select_builds_the_named_models_and_their_upstream_only()
    {
        Shop.Setup(_project, with: "\n      select: [orders_enriched]");
        Shop.StagingModels(_project);
        _project.Write("models/orders_enriched.sql", "-- materialized: table\nSELECT * FROM {{ ref('stg_orders') }} JOIN {{ ref('stg_customers') }} USING (customer_id)");
        _project.Write("models/unrelated.sql", "-- materialized: table\nSELECT 1 AS x");

        var log = await RunAsync("2024-03-01");

        Assert.Equal(3, Built(log).Count);
        Assert.DoesNotContain(_project.Warehouse("wh.duckdb").Relations(), r => r.Contains("unrelated", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Outputs_stage_a_model_and_the_manifest_for_downstream_tasks()
    {
        Shop.Setup(_project, output: "[revenue, build_log]", with: "\n      manifest: build_log");
        Shop.StagingModels(_project);
        _project.Write("models/revenue.sql", "-- materialized: table\nSELECT customer_id, sum(amount) AS revenue FROM {{ ref('stg_orders') }} GROUP BY ALL");
        var yaml = File.ReadAllText(_project.PathOf("pipeline.yaml")) + """

              export:
                transform: sql
                inputs: [revenue, build_log]
                output: checked
                with:
                  sql: SELECT (SELECT sum(revenue) FROM revenue) AS total, (SELECT string_agg(model || ':' || materialized, ',' ORDER BY build_order) FROM build_log) AS built
            """;
        _project.Write("pipeline.yaml", yaml);

        await RunAsync("2024-03-01");

        var checkedRows = new Warehouse(":memory:").Query($"SELECT * FROM read_parquet('{_project.StateDirectory}/artifacts/shop/2024-03-01/checked.parquet')");
        Assert.Equal(30.00m, checkedRows[0][0]);
        Assert.Equal("stg_customers:view,stg_orders:view,revenue:table", checkedRows[0][1]);
    }

    [Fact]
    public async Task A_model_can_change_materialization_between_runs()
    {
        Shop.Setup(_project);
        _project.Write("models/m.sql", "-- materialized: view\nSELECT 1 AS x");
        await RunAsync("2024-03-01");
        Assert.Contains("main.m VIEW", _project.Warehouse("wh.duckdb").Relations());

        _project.Write("models/m.sql", "-- materialized: table\nSELECT 2 AS x");
        await RunAsync("2024-03-01");
        Assert.Contains("main.m BASE TABLE", _project.Warehouse("wh.duckdb").Relations());
        Assert.Equal("2", _project.Warehouse("wh.duckdb").Snapshot("m"));

        _project.Write("models/m.sql", "-- materialized: view\nSELECT 3 AS x");
        await RunAsync("2024-03-01");
        Assert.Contains("main.m VIEW", _project.Warehouse("wh.duckdb").Relations());
        Assert.Equal("3", _project.Warehouse("wh.duckdb").Snapshot("m"));
    }

    [Fact]
    public async Task A_model_can_choose_its_own_schema_and_refs_follow_it()
    {
        Shop.Setup(_project, with: "\n      schema: analytics");
        _project.Write("models/stg.sql", "-- materialized: table\n-- schema: staging\nSELECT 1 AS x");
        _project.Write("models/mart.sql", "-- materialized: table\nSELECT x + 1 AS y FROM {{ ref('stg') }}");

        await RunAsync("2024-03-01");

        Assert.Equal(["analytics.mart BASE TABLE", "staging.stg BASE TABLE"], _project.Warehouse("wh.duckdb").Relations());
        Assert.Equal("2", _project.Warehouse("wh.duckdb").Snapshot("analytics.mart"));
    }
}
