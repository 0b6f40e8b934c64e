using Sluice.IntegrationTests.Infrastructure;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>Bad input named by the foundation issue: each fails clearly and loses nothing.</summary>
public sealed class BadInputTests : IDisposable
{
    private const string Pipeline = """
        name: orders
        tasks:
          extract:
            source: files
            output: raw
            {POLICY}
            with:
              path: in/orders_{{ ds }}.csv
              columns: { id: BIGINT, customer: VARCHAR, amount: DOUBLE }
          load:
            sink: duckdb
            input: raw
            with: { database: wh.duckdb, table: orders, mode: delete_insert, partition_column: day }
          transform_day:
            transform: sql
            input: raw
            output: with_day
            with:
              sql: SELECT *, {{ ds }} AS day FROM raw
        """;

    private readonly TestProject _project = new();

    private void WritePipeline(string policy = "")
    {
        var text = Pipeline.Replace("{POLICY}", policy, StringComparison.Ordinal)
            .Replace("input: raw\n    with: { database", "input: with_day\n    with: { database", StringComparison.Ordinal);
        _project.Write("pipeline.yaml", text);
    }

    [Fact]
    public async Task A_malformed_csv_row_fails_the_run_with_file_line_and_reason_and_the_warehouse_keeps_its_rows()
    {
        WritePipeline();
        _project.Write("in/orders_2024-03-01.csv", "id,customer,amount\n1,ann,10.5\n2,bob,4\n");
        Assert.True((await _project.RunAsync("pipeline.yaml", "2024-03-01")).Succeeded);
        var warehouse = _project.Warehouse("wh.duckdb");
        var before = warehouse.Snapshot("orders");

        _project.Write("in/orders_2024-03-02.csv", "id,customer,amount\n3,cid,7\n4,dan,not-a-number\n5,eve,1,extra\n");
        var result = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(result.Succeeded);
        var extract = result.Tasks.Single(t => t.TaskId == "extract");
        Assert.Equal(TaskState.Failed, extract.State);
        Assert.Equal(1, extract.TryNumber);
        Assert.Contains("orders_2024-03-02.csv:3:", extract.Error);
        Assert.Contains("not-a-number", extract.Error);
        Assert.Contains("orders_2024-03-02.csv:4:", extract.Error);
        Assert.Contains("2 malformed CSV row(s)", extract.Error);
        Assert.Contains("on_bad_rows: quarantine", extract.Error);
        Assert.Equal(TaskState.UpstreamFailed, result.Tasks.Single(t => t.TaskId == "load").State);
        Assert.Equal(before, warehouse.Snapshot("orders"));
    }

    [Fact]
    public async Task With_a_quarantine_policy_bad_rows_are_set_aside_with_their_reason_and_the_good_rows_load()
    {
        WritePipeline("on_bad_rows: quarantine");
        _project.Write("in/orders_2024-03-02.csv", "id,customer,amount\n3,cid,7\n4,dan,not-a-number\n5,eve,1,extra\n6,fay,2\n");

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.Equal(2, result.RowsQuarantined);
        Assert.Equal(["3|cid|7|2024-03-02", "6|fay|2|2024-03-02"], _project.Warehouse("wh.duckdb").Snapshot("orders").Split('\n'));
        var quarantine = Path.Combine(_project.StateDirectory, "artifacts", "orders", "2024-03-02", "raw_quarantine.parquet");
        var rows = Warehouse.InMemory().Query($"SELECT line_number, error_type, reason, raw_line, source_file FROM read_parquet('{quarantine}') ORDER BY line_number");
        Assert.Equal(2, rows.Count);
        Assert.Equal(3L, rows[0][0]);
        Assert.Equal("CAST", rows[0][1]);
        Assert.Contains("not-a-number", (string)rows[0][2]!);
        Assert.Equal("4,dan,not-a-number", rows[0][3]);
        Assert.Equal(4L, rows[1][0]);
        Assert.Equal("TOO MANY COLUMNS", rows[1][1]);
        Assert.EndsWith("orders_2024-03-02.csv", (string)rows[1][4]!);
    }

    [Fact]
    public async Task A_missing_input_file_names_the_path_and_the_date_it_was_templated_from()
    {
        WritePipeline();

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-09");

        var error = result.Tasks.Single(t => t.TaskId == "extract").Error!;
        Assert.False(result.Succeeded);
        Assert.Contains(Path.Combine("in", "orders_2024-03-09.csv"), error);
        Assert.Contains("templated from 'in/orders_{{ ds }}.csv' for logical date 2024-03-09", error);
        Assert.False(File.Exists(_project.PathOf("wh.duckdb")));
    }

    [Fact]
    public async Task A_load_that_fails_halfway_leaves_the_table_exactly_as_it_was()
    {
        _project.Write("pipeline.yaml", """
            name: upserts
            tasks:
              extract:
                source: files
                output: raw
                with: { path: "in/{{ ds }}.csv" }
              load:
                sink: duckdb
                input: raw
                with: { database: wh.duckdb, table: customers, mode: upsert, key: id }
            """);
        _project.Write("in/2024-03-01.csv", "id,name\n1,ann\n2,bob\n");
        Assert.True((await _project.RunAsync("pipeline.yaml", "2024-03-01")).Succeeded);
        var before = _project.Warehouse("wh.duckdb").Snapshot("customers");

        // Key 3 twice: the upsert is ambiguous, so nothing at all may change.
        _project.Write("in/2024-03-02.csv", "id,name\n1,ANN\n3,cid\n3,cyd\n");
        var result = await _project.RunAsync("pipeline.yaml", "2024-03-02");

        Assert.False(result.Succeeded);
        Assert.Contains("repeats keys: 3 (2 rows)", result.Run.Error);
        Assert.Equal(before, _project.Warehouse("wh.duckdb").Snapshot("customers"));
    }

    [Fact]
    public async Task A_dataset_that_drifts_from_its_declared_schema_fails_before_anything_is_loaded()
    {
        _project.Write("pipeline.yaml", """
            name: drift
            datasets:
              shaped:
                columns: { id: BIGINT, total: DOUBLE }
            tasks:
              extract:
                source: files
                output: raw
                with: { path: in.csv }
              shape:
                transform: sql
                input: raw
                output: shaped
                with:
                  sql: SELECT id, CAST(total AS VARCHAR) AS total, 'x' AS surprise FROM raw
              load:
                sink: duckdb
                input: shaped
                with: { database: wh.duckdb, table: t }
            """);
        _project.Write("in.csv", "id,total\n1,2.5\n");

        var result = await _project.RunAsync("pipeline.yaml", "2024-03-01");

        var shape = result.Tasks.Single(t => t.TaskId == "shape");
        Assert.Equal(TaskState.Failed, shape.State);
        Assert.Contains("column 'total' is VARCHAR, declared DOUBLE", shape.Error);
        Assert.Contains("new column 'surprise' (VARCHAR)", shape.Error);
        Assert.Contains("(pipeline.yaml:3:3)", shape.Error);
        Assert.False(File.Exists(_project.PathOf("wh.duckdb")));
        await using var store = await Metadata.Sqlite.SqliteMetadataStore.OpenAsync(Path.Combine(_project.StateDirectory, "sluice.db"));
        var drift = Assert.Single(await store.ReadAsync(new Events.EventQuery { Types = [Events.EventTypes.ContractDrift] }, CancellationToken.None));
        Assert.Equal("shaped", drift.Text("dataset"));
        Assert.Equal("shape", drift.TaskId);
        Assert.Contains("new column 'surprise' (VARCHAR)", drift.Text("summary"), StringComparison.Ordinal);
    }

    public void Dispose() => _project.Dispose();
}
