using Sluice.Connectors.Postgres.Tests.Infrastructure;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>
/// The record of loaded dates (<c>sluice_scd2_loads</c>) that late scd2 merges rely on: created once per
/// schema even by loads running at the same time, and inferred, with late dates refused, for a
/// dimension loaded before it existed.
/// </summary>
public sealed class Scd2LoadLogTests : IAsyncLifetime
{
    private readonly TestProject _project = new();
    private PgDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await PgDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml());
    }

    [Fact]
    public async Task Two_dimensions_loaded_for_the_first_time_at_once_share_one_load_log()
    {
        _project.Write("pipeline.yaml", """
            name: customers
            defaults: { retries: 0 }
            tasks:
              extract: { source: files, output: raw, with: { path: "in/customers_{{ ds }}.csv" } }
              by_city: { sink: postgres, input: raw, with: { connection: wh, schema: dw, table: dim_a, mode: scd2, key: customer_id, tracked: [city] } }
              by_name: { sink: postgres, input: raw, with: { connection: wh, schema: dw, table: dim_b, mode: scd2, key: customer_id, tracked: [name] } }
            """);
        _project.Write("in/customers_2024-03-01.csv", "customer_id,name,city\nC1,Ann,Paris\n");

        await _project.RunOkAsync("2024-03-01");

        Assert.Equal(
            ["dim_a|2024-03-01|f", "dim_b|2024-03-01|f"],
            (await _db.QueryAsync("SELECT format('%s|%s|%s', table_name, effective_date, inferred) FROM dw.sluice_scd2_loads ORDER BY 1")).Select(r => (string)r[0]!));
    }

    [Fact]
    public async Task A_dimension_loaded_before_the_log_refuses_late_dates_and_loads_later_ones()
    {
        _project.Write("pipeline.yaml", """
            name: customers
            defaults: { retries: 0 }
            tasks:
              extract: { source: files, output: raw, with: { path: "in/customers_{{ ds }}.csv" } }
              load: { sink: postgres, input: raw, with: { connection: wh, table: dim_customer, mode: scd2, key: customer_id, tracked: [city], close_missing: true } }
            """);
        foreach (var (day, city) in new[] { ("2024-03-01", "Paris"), ("2024-03-03", "Lyon") })
        {
            _project.Write($"in/customers_{day}.csv", $"customer_id,name,city\nC1,Ann,{city}\n");
            await _project.RunOkAsync(day);
        }

        await _db.ExecuteAsync("DROP TABLE sluice_scd2_loads");
        var before = await _db.SnapshotAsync("dim_customer");
        _project.Write("in/customers_2024-03-02.csv", "customer_id,name,city\nC1,Ann,Nice\n");

        var error = await _project.RunFailsAsync("2024-03-02");

        Assert.Contains("scd2 into public.dim_customer cannot merge the input for 2024-03-02 exactly: it is earlier than 2024-03-03, and the dimension was loaded before Sluice kept a record of loaded dates", error);
        Assert.Contains("drop table public.dim_customer and run: sluice backfill customers --from 2024-03-01 --to 2024-03-03", error);
        Assert.Equal(before, await _db.SnapshotAsync("dim_customer"));

        _project.Write("in/customers_2024-03-04.csv", "customer_id,name,city\nC1,Ann,Rome\n");
        await _project.RunOkAsync("2024-03-04");
        Assert.Equal(
            ["Paris|2024-03-01|2024-03-03", "Lyon|2024-03-03|2024-03-04", "Rome|2024-03-04|"],
            (await _db.QueryAsync("SELECT format('%s|%s|%s', city, valid_from, valid_to) FROM dim_customer WHERE sk <> -1 ORDER BY valid_from")).Select(r => (string)r[0]!));
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }
}
