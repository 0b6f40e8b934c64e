using Sluice.IntegrationTests.Infrastructure;

namespace Sluice.IntegrationTests;

/// <summary>Slowly changing dimensions replayed day by day: changes, deletes, reruns and late corrections.</summary>
public sealed class Scd2Tests : IDisposable
{
    private const string History = "SELECT customer_id, city, valid_from, valid_to, is_current FROM dim_customer WHERE sk <> -1 ORDER BY customer_id, valid_from";
    private readonly TestProject _project = new();

    public Scd2Tests() => _project.Write("pipeline.yaml", """
        name: customers
        tasks:
          extract: { source: files, output: raw, with: { path: "in/customers_{{ ds }}.csv" } }
          load:
            sink: duckdb
            input: raw
            with: { database: wh.duckdb, table: dim_customer, mode: scd2, key: customer_id, tracked: [city], close_missing: true }
        """);

    private async Task LoadAsync(string day, string rows)
    {
        _project.Write($"in/customers_{day}.csv", "customer_id,name,city\n" + rows);
        var result = await _project.RunAsync("pipeline.yaml", day);
        Assert.True(result.Succeeded, result.Run.Error);
    }

    private string Rows() => _project.Warehouse("wh.duckdb").Snapshot($"({History})");

    [Fact]
    public async Task Changes_open_new_versions_deletes_close_them_and_reruns_change_nothing()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\nC2,Bob,Rome\nC3,Cid,Oslo\n");
        await LoadAsync("2024-03-02", "C1,Ann,Lyon\nC2,Bob,Rome\nC4,Dan,Kyiv\n");
        var afterDayTwo = Rows();
        await LoadAsync("2024-03-02", "C1,Ann,Lyon\nC2,Bob,Rome\nC4,Dan,Kyiv\n");

        Assert.Equal(afterDayTwo, Rows());
        Assert.Equal(
            string.Join('\n',
                "C1|Lyon|2024-03-02|NULL|True",
                "C1|Paris|2024-03-01|2024-03-02|False",
                "C2|Rome|2024-03-01|NULL|True",
                "C3|Oslo|2024-03-01|2024-03-02|False",
                "C4|Kyiv|2024-03-02|NULL|True"),
            afterDayTwo);
        var warehouse = _project.Warehouse("wh.duckdb");
        Assert.Equal(1L, warehouse.Count("dim_customer WHERE sk = -1"));
        Assert.Equal(5L, Convert.ToInt64(warehouse.Query("SELECT count(DISTINCT sk) FROM dim_customer WHERE sk <> -1")[0][0], System.Globalization.CultureInfo.InvariantCulture));
        Assert.Equal("Ann", warehouse.Query("SELECT name FROM dim_customer WHERE customer_id = 'C1' AND is_current")[0][0]);
    }

    [Fact]
    public async Task A_late_correction_for_a_past_date_slots_into_history_without_touching_the_present()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\n");
        await LoadAsync("2024-03-05", "C1,Ann,Lyon\n");

        // Discovered later: Ann had moved to Nice on 03-03, before Lyon.
        await LoadAsync("2024-03-03", "C1,Ann,Nice\n");

        Assert.Equal(
            string.Join('\n',
                "C1|Lyon|2024-03-05|NULL|True",
                "C1|Nice|2024-03-03|2024-03-05|False",
                "C1|Paris|2024-03-01|2024-03-03|False"),
            Rows());
    }

    [Fact]
    public async Task A_change_on_the_same_day_corrects_that_days_version_in_place()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\n");
        await LoadAsync("2024-03-02", "C1,Ann,Lyon\n");
        await LoadAsync("2024-03-02", "C1,Ann,Nice\n");

        Assert.Equal("C1|Nice|2024-03-02|NULL|True\nC1|Paris|2024-03-01|2024-03-02|False", Rows());
    }

    [Fact]
    public async Task Duplicate_natural_keys_in_one_batch_fail_and_write_nothing()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\n");
        var before = Rows();
        _project.Write("in/customers_2024-03-02.csv", "customer_id,name,city\nC1,Ann,Lyon\nC1,Ann,Nice\n");

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(result.Succeeded);
        Assert.Contains("scd2 into main.dim_customer needs one row per key (customer_id), but the input repeats keys: C1 (2 rows)", result.Run.Error);
        Assert.Equal(before, Rows());
    }

    [Fact]
    public async Task A_null_natural_key_fails_naming_the_count_and_writes_nothing()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\n");
        var before = Rows();
        _project.Write("in/customers_2024-03-02.csv", "customer_id,name,city\nC1,Ann,Lyon\n,Nobody,Rome\n");

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(result.Succeeded);
        Assert.Contains("1 row(s) have a null natural key (customer_id)", result.Run.Error);
        Assert.Contains("nothing was loaded", result.Run.Error);
        Assert.Equal(before, Rows());
    }

    [Fact]
    public async Task Facts_get_the_surrogate_key_valid_on_their_date_or_the_unknown_member()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\n");
        await LoadAsync("2024-03-03", "C1,Ann,Lyon\n");
        _project.Write("facts.csv", "order_id,customer_id,order_date\n1,C1,2024-03-02\n2,C1,2024-03-04\n3,C9,2024-03-04\n4,C1,2024-02-01\n");
        _project.Write("facts.yaml", """
            name: facts
            tasks:
              dim: { source: duckdb, output: dim_customer, with: { database: wh.duckdb, table: dim_customer } }
              orders: { source: files, output: orders, with: { path: facts.csv } }
              keyed:
                transform: steps
                inputs: [orders, dim_customer]
                output: fact
                with:
                  steps:
                    - lookup_keys: { dimension: dim_customer, on: customer_id, as_of: order_date, output: customer_sk }
            """);

        var result = await _project.RunAsync("facts.yaml", "2024-03-04");

        Assert.True(result.Succeeded, result.Run.Error);
        var staged = Path.Combine(_project.StateDirectory, "artifacts", "facts", "2024-03-04", "fact.parquet");
        var dimension = _project.Warehouse("wh.duckdb");
        var paris = dimension.Query("SELECT sk FROM dim_customer WHERE city = 'Paris'")[0][0];
        var lyon = dimension.Query("SELECT sk FROM dim_customer WHERE city = 'Lyon'")[0][0];
        Assert.Equal($"1|{paris}\n2|{lyon}\n3|-1\n4|-1", Warehouse.InMemory().Snapshot($"(SELECT order_id, customer_sk FROM read_parquet('{staged}'))"));
    }

    [Fact]
    public async Task The_unknown_member_is_not_current_so_is_current_counts_the_customers_that_exist()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\nC2,Bob,Rome\nC3,Cid,Oslo\n");
        await LoadAsync("2024-03-02", "C1,Ann,Lyon\nC2,Bob,Rome\n");

        var warehouse = _project.Warehouse("wh.duckdb");
        Assert.Equal(2L, warehouse.Count("dim_customer WHERE is_current"));
        Assert.Equal("-1|NULL|NULL|NULL|1900-01-01|NULL|False", warehouse.Snapshot("(SELECT * FROM dim_customer WHERE sk = -1)"));
    }

    [Fact]
    public async Task Without_close_missing_a_late_change_to_a_version_later_loads_saw_open_is_refused_with_the_rebuild_command()
    {
        _project.Write("partial.yaml", File.ReadAllText(_project.PathOf("pipeline.yaml")).Replace("close_missing: true", "close_missing: false", StringComparison.Ordinal));
        foreach (var (day, rows) in new[] { ("2024-03-01", "C1,Ann,Paris\nC2,Bob,Rome\n"), ("2024-03-03", "C2,Bob,Oslo\n"), ("2024-03-04", "C2,Bob,Oslo\n") })
        {
            _project.Write($"in/customers_{day}.csv", "customer_id,name,city\n" + rows);
            Assert.True((await _project.RunAsync("partial.yaml", day)).Succeeded);
        }

        var before = _project.Warehouse("wh.duckdb").SnapshotAll();

        // C1's Paris stayed open through 03-03 and 03-04, which did not list C1: Nice on 03-02 has no known end.
        _project.Write("in/customers_2024-03-02.csv", "customer_id,name,city\nC1,Ann,Nice\n");
        var refused = await _project.RunAsync("partial.yaml", "2024-03-02");

        Assert.False(refused.Succeeded);
        Assert.Contains(
            "scd2 into main.dim_customer cannot merge the input for 2024-03-02 exactly: key(s) C1 change at that date, but their version stayed open through the load of 2024-03-03",
            refused.Run.Error);
        Assert.Contains("The latest interval loaded into main.dim_customer is 2024-03-04. Nothing was loaded. To rebuild the history from the stored snapshots in order, drop table main.dim_customer and run: sluice backfill customers --from 2024-03-01 --to 2024-03-04", refused.Run.Error);
        Assert.Equal(before, _project.Warehouse("wh.duckdb").SnapshotAll());

        // Bob's Rome ends at 03-03, the next load after 03-02: a late change of his is exact, and merges into the equal next version, which keeps its key.
        var oslo = _project.Warehouse("wh.duckdb").Scalar("SELECT sk FROM dim_customer WHERE city = 'Oslo'");
        _project.Write("in/customers_2024-03-02.csv", "customer_id,name,city\nC2,Bob,Oslo\n");
        Assert.True((await _project.RunAsync("partial.yaml", "2024-03-02")).Succeeded);
        Assert.Equal("C1|Paris|2024-03-01|NULL|True\nC2|Oslo|2024-03-02|NULL|True\nC2|Rome|2024-03-01|2024-03-02|False", Rows());
        Assert.Equal(oslo, _project.Warehouse("wh.duckdb").Scalar("SELECT sk FROM dim_customer WHERE city = 'Oslo'"));
    }

    [Fact]
    public async Task A_late_day_for_a_dimension_loaded_before_the_load_log_existed_is_refused_and_later_days_still_load()
    {
        await LoadAsync("2024-03-01", "C1,Ann,Paris\n");
        await LoadAsync("2024-03-03", "C1,Ann,Lyon\n");
        using (var connection = new DuckDB.NET.Data.DuckDBConnection($"DataSource={_project.PathOf("wh.duckdb")}"))
        {
            connection.Open();
            using var drop = connection.CreateCommand();
            drop.CommandText = "DROP TABLE sluice_scd2_loads";
            drop.ExecuteNonQuery();
        }

        _project.Write("in/customers_2024-03-02.csv", "customer_id,name,city\nC1,Ann,Nice\n");
        var refused = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(refused.Succeeded);
        Assert.Contains("cannot merge the input for 2024-03-02 exactly: it is earlier than 2024-03-03, and the dimension was loaded before Sluice kept a record of loaded dates", refused.Run.Error);
        Assert.Contains("sluice backfill customers --from 2024-03-01 --to 2024-03-03", refused.Run.Error);
        Assert.Equal("C1|Lyon|2024-03-03|NULL|True\nC1|Paris|2024-03-01|2024-03-03|False", Rows());

        await LoadAsync("2024-03-04", "C1,Ann,Rome\n");
        Assert.Equal("C1|Lyon|2024-03-03|2024-03-04|False\nC1|Paris|2024-03-01|2024-03-03|False\nC1|Rome|2024-03-04|NULL|True", Rows());
    }

    public void Dispose() => _project.Dispose();
}
