using Sluice.Connectors.Postgres.Tests.Infrastructure;
using Sluice.Events;
using Sluice.Metadata.Sqlite;

namespace Sluice.Connectors.Postgres.Tests;

/// <summary>
/// <c>checks:</c> and <c>metrics:</c> on a postgres sink audit the PostgreSQL table after the load
/// commits: the table is read back (binary COPY) and checked whole, so a key repeated across two
/// days' appends fails an error check although each day's dataset is unique.
/// </summary>
public sealed class TableCheckTests : IAsyncLifetime
{
    private readonly TestProject _project = new();
    private PgDatabase _db = null!;

    public async Task InitializeAsync()
    {
        _db = await PgDatabase.CreateAsync();
        _project.Write("connections.yaml", _db.ConnectionsYaml());
        _project.Write("in/2024-03-01.csv", "id,amount,status\n1,10.5,paid\n2,20,paid\n");
        _project.Write("in/2024-03-02.csv", "id,amount,status\n2,5.5,paid\n3,7.25,refunded\n");
    }

    public async Task DisposeAsync()
    {
        await _db.DisposeAsync();
        _project.Dispose();
    }

    private void WritePipeline(string severity) => _project.Write("pipeline.yaml", $$$"""
        name: pg_checks
        defaults: { retries: 2, retry_delay: 10ms }
        tasks:
          extract: { source: files, output: orders, with: { path: "in/{{ ds }}.csv" } }
          load:
            sink: postgres
            input: orders
            with: { connection: wh, schema: sales, table: orders, mode: append }
            checks:
              - unique: [id]
                severity: {{{severity}}}
              - accepted_values: { column: status, values: [paid, refunded] }
              - sql: SELECT * FROM orders WHERE amount > 1000
                name: no_huge_orders
            metrics:
              revenue: sum(amount) FILTER (WHERE status = 'paid')
        """);

    private async Task<List<RunEvent>> EventsAsync(string type)
    {
        await using var store = await SqliteMetadataStore.OpenAsync(_project.MetadataFile);
        return (await store.ReadAsync(new EventQuery { Types = [type], Limit = 10_000 }, CancellationToken.None)).ToList();
    }

    [Fact]
    public async Task An_error_check_on_the_postgres_table_fails_the_run_once_and_the_rows_stay()
    {
        WritePipeline("error");

        await _project.RunOkAsync("2024-03-01");
        var result = await _project.RunAsync("2024-03-02");

        Assert.False(result.Succeeded);
        var load = result.Tasks.Single(t => t.TaskId == "load");
        Assert.Equal(1, load.TryNumber); // a failed check is not retried: the same table fails the same way
        Assert.Matches(@"check 'unique\(id\)' on table 'sales.orders' \(\S*pipeline.yaml:10:9\) failed", load.Error);
        Assert.Contains("1 row(s) repeat a id already seen", load.Error, StringComparison.Ordinal);
        Assert.Equal(4L, await _db.ScalarAsync<long>("SELECT count(*) FROM sales.orders"));
        var verdicts = await EventsAsync(EventTypes.CheckResult);
        Assert.Equal(
            ["sales.orders/unique(id)/pass", "sales.orders/accepted_values(status)/pass", "sales.orders/no_huge_orders/pass",
             "sales.orders/unique(id)/fail", "sales.orders/accepted_values(status)/pass", "sales.orders/no_huge_orders/pass"],
            verdicts.Select(v => $"{v.Text("dataset")}/{v.Text("check")}/{v.Text("outcome")}"));
        var metrics = (await EventsAsync(EventTypes.MetricObserved)).Where(m => m.Text("dataset") == "sales.orders");
        Assert.Equal(["rows=2", "revenue=30.5"], metrics.Select(m => $"{m.Text("name")}={m.Text("value")}"));
    }

    [Fact]
    public async Task A_warn_check_on_the_postgres_table_lets_the_run_succeed_and_records_the_whole_tables_metrics()
    {
        WritePipeline("warn");
        var log = new RunLog();

        await _project.RunOkAsync("2024-03-01");
        await _project.RunOkAsync("2024-03-02", log);

        Assert.Contains(log.Lines, l => l.StartsWith("load: warning: check 'unique(id)' on table 'sales.orders'", StringComparison.Ordinal));
        var revenue = (await EventsAsync(EventTypes.MetricObserved)).Where(m => m.Text("dataset") == "sales.orders" && m.Text("name") == "revenue");
        Assert.Equal(["30.5", "36"], revenue.Select(r => r.Text("value")));
    }
}
