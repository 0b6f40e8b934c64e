using Sluice.Events;
using Sluice.IntegrationTests.Infrastructure;
using Sluice.Metadata.Sqlite;
using Sluice.State;
using Sluice.Validation;

namespace Sluice.IntegrationTests;

/// <summary>
/// <c>checks:</c> and <c>metrics:</c> on a sink task audit the DuckDB warehouse table after the load
/// commits: the whole table, not the interval's rows. An error check fails the task and the run (the
/// loaded rows stay, downstream tasks do not run) and is alerted; a warn check is alerted as a warning
/// and the run succeeds.
/// </summary>
public sealed class TableCheckTests : IDisposable
{
    private readonly TestProject _project = new();
    private readonly WebhookReceiver _receiver = new();

    public void Dispose()
    {
        _receiver.Dispose();
        _project.Dispose();
    }

    private void WritePipeline(string severity)
    {
        _project.Write("pipeline.yaml", $$$"""
            name: shop
            tasks:
              extract: { source: files, output: orders, with: { path: "in/{{ ds }}.csv" } }
              load:
                sink: duckdb
                input: orders
                with: { database: wh.duckdb, table: all_orders, mode: append }
                checks:
                  - unique: [id]
                    severity: {{{severity}}}
                  - row_count: { min: 1 }
                metrics:
                  revenue: sum(amount)
              publish:
                sink: duckdb
                input: orders
                depends_on: [load]
                with: { database: wh.duckdb, table: published, mode: append }
            """);
        _project.Write("alerts.yaml", $"""
            channels:
              hook:
                type: webhook
                url: {_receiver.Url}
            routes:
              - channels: [hook]
            """);
        // Each day is unique on its own; day 2 repeats id 2, so the table (both days) is not.
        _project.Write("in/2024-03-01.csv", "id,amount\n1,10\n2,20\n");
        _project.Write("in/2024-03-02.csv", "id,amount\n2,5\n3,7\n");
    }

    private async Task<List<RunEvent>> EventsAsync(string type)
    {
        await using var store = await SqliteMetadataStore.OpenAsync(Path.Combine(_project.StateDirectory, "sluice.db"));
        return (await store.ReadAsync(new EventQuery { Types = [type], Limit = 10_000 }, CancellationToken.None)).ToList();
    }

    [Fact]
    public async Task An_error_check_on_the_table_fails_the_run_after_the_load_and_is_alerted()
    {
        WritePipeline("error");

        var good = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-01");
        var bad = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-02");

        Assert.True(good.ExitCode == 0, good.All);
        Assert.Equal(1, bad.ExitCode);
        Assert.Contains("check 'unique(id)' on table 'main.all_orders' (pipeline.yaml:9:", bad.All, StringComparison.Ordinal);
        Assert.Contains("1 row(s) repeat a id already seen", bad.All, StringComparison.Ordinal);
        Assert.Contains("The load into main.all_orders has committed", bad.All, StringComparison.Ordinal);
        var warehouse = _project.Warehouse("wh.duckdb");
        Assert.Equal(4, warehouse.Count("all_orders")); // the load committed; the check audits it afterwards
        Assert.Equal(2, warehouse.Count("published")); // the downstream task did not run for day 2
        var alert = Assert.Single(_receiver.Bodies, b => b.Contains("\"incident_key\":\"shop/check_failed/main.all_orders.unique(id)\"", StringComparison.Ordinal));
        Assert.Contains("\"severity\":\"error\"", alert, StringComparison.Ordinal);
        var verdicts = (await EventsAsync(EventTypes.CheckResult)).Where(e => e.Text("check") == "unique(id)").ToList();
        Assert.Equal(["pass", "fail"], verdicts.Select(v => v.Text("outcome")));
        Assert.All(verdicts, v => Assert.Equal("main.all_orders", v.Text("dataset")));
        // Metrics only for the day whose table passed its checks: the whole table's rows and revenue.
        var metrics = await EventsAsync(EventTypes.MetricObserved);
        Assert.Equal(["2:2024-03-01", "30:2024-03-01"], metrics.Where(m => m.Text("dataset") == "main.all_orders")
            .Select(m => $"{m.Text("value")}:{m.Text("interval_start")}").Order(StringComparer.Ordinal));
    }

    [Fact]
    public async Task A_warn_check_on_the_table_is_alerted_as_a_warning_and_the_run_succeeds()
    {
        WritePipeline("warn");

        await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-01");
        var warned = await CliProcess.RunAsync(_project.Root, null, "run", "pipeline.yaml", "--date", "2024-03-02");

        Assert.True(warned.ExitCode == 0, warned.All);
        Assert.Contains("warning: check 'unique(id)' on table 'main.all_orders'", warned.All, StringComparison.Ordinal);
        Assert.Equal(4, _project.Warehouse("wh.duckdb").Count("published"));
        var alert = Assert.Single(_receiver.Bodies, b => b.Contains("check_failed/main.all_orders.unique(id)", StringComparison.Ordinal));
        Assert.Contains("\"severity\":\"warning\"", alert, StringComparison.Ordinal);
        var revenue = (await EventsAsync(EventTypes.MetricObserved)).Where(m => m is { } e && e.Text("dataset") == "main.all_orders" && e.Text("name") == "revenue");
        Assert.Equal(["30", "42"], revenue.Select(r => r.Text("value")));
    }

    [Theory]
    [InlineData("extract: { source: files, output: orders, with: { path: a.csv }, checks: [ { unique: [id] } ] }", "pipeline.yaml:3:76: task 'extract': checks and metrics on a task audit the table a sink loads")]
    [InlineData("load: { sink: parquet, input: orders, with: { path: out }, checks: [ { unique: [id] } ] }", "task 'load': sink 'parquet' cannot read its table back for checks")]
    [InlineData("load: { sink: duckdb, input: orders, with: { database: w.duckdb, table: t }, checks: [ { uniq: [id] } ] }", "unknown check type 'uniq' in the table of task 'load'. Did you mean 'unique'?")]
    [InlineData("load: { sink: duckdb, input: orders, with: { database: w.duckdb, table: orders }, checks: [ { reconcile: { with: orders } } ] }", "check 'reconcile(orders)' on the table of task 'load': dataset 'orders' has the table's name")]
    public void Bad_table_checks_are_refused_before_anything_runs(string task, string expected)
    {
        var source = task.StartsWith("extract", StringComparison.Ordinal) ? string.Empty : "src: { source: files, output: orders, with: { path: a.csv } }";
        _project.Write("pipeline.yaml", $"name: shop\ntasks:\n  {task}\n  {source}\n");

        var error = Assert.ThrowsAny<SluiceException>(() => PipelineValidator.EnsureValid(_project.Load(), Sluice.Cli.SluiceHost.Catalog()));

        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.Contains("pipeline.yaml:3:", error.Message, StringComparison.Ordinal);
        Assert.False(File.Exists(_project.PathOf("w.duckdb")));
    }
}
