using Sluice.Execution;
using Sluice.State;

namespace Sluice.IntegrationTests;

/// <summary>
/// A CSV extract read in place by its one consumer (docs/architecture.md, "Fused tasks"): the same
/// output, rows and errors as the staged path, which every problem falls back to.
/// </summary>
public sealed class TaskFusionTests : IDisposable
{
    private const string Orders = "id,customer,amount,day\n1,a,10.5,2024-03-01\n2,b,,2024-03-01\n2,b,,2024-03-01\n3,a,4,2024-03-02\n4,c,7.25,2024-03-02\n";

    private const string Daily = """
          daily:
            transform: steps
            input: raw
            output: daily
            with:
              steps:
                - drop_duplicates: {}
                - fill_null: { amount: 0 }
                - aggregate: { by: [day], metrics: { revenue: sum(amount), orders: count(id), customers: nunique(customer) } }
        """;

    private readonly TestProject _fused = new();
    private readonly TestProject _staged = new();

    private static string Pipeline(string tasks, bool fuse = true, string path = "in.csv", string read = "") => $$"""
        name: fusion
        {{(fuse ? string.Empty : "fuse_tasks: false")}}
        datasets:
          raw:
            columns: { id: INTEGER, customer: VARCHAR, amount: DOUBLE, day: DATE }
        tasks:
          extract:
            source: files
            output: raw
            with: { path: {{path}}{{read}} }
        {{tasks}}
        """;

    private async Task<(RunResult Result, List<string> Log)> RunAsync(TestProject project, string csv, string yaml, string file = "in.csv")
    {
        project.Write(file, csv);
        project.Write("pipeline.yaml", yaml);
        var log = new RunLog();
        var result = await project.RunAsync(project.Load(), "2024-03-01", observer: log);
        return (result, [.. log.Lines]);
    }

    private static long Rows(RunResult result, string task) => result.Tasks.Single(t => t.TaskId == task).RowsWritten;

    private static string Fingerprint(TestProject project, string dataset) =>
        string.Join('|', Warehouse.InMemory().Query($"SELECT count(*), sum(hash(COLUMNS(*))) FROM read_parquet('{project.Staged("fusion", "2024-03-01", dataset)}')")[0]);

    [Fact]
    public async Task A_csv_extract_read_by_one_aggregating_steps_task_is_fused_and_gives_the_staged_output()
    {
        var (fused, fusedLog) = await RunAsync(_fused, Orders, Pipeline(Daily));
        var (staged, stagedLog) = await RunAsync(_staged, Orders, Pipeline(Daily, fuse: false));

        Assert.True(fused.Succeeded, fused.Run.Error);
        Assert.True(staged.Succeeded, staged.Run.Error);
        Assert.Contains(fusedLog, l => l.Contains("extract: reading straight into task 'daily' (fused, 'raw' is not staged)", StringComparison.Ordinal));
        Assert.DoesNotContain(stagedLog, l => l.Contains("fused", StringComparison.Ordinal));
        Assert.False(File.Exists(_fused.Staged("fusion", "2024-03-01", "raw")));
        Assert.True(File.Exists(_staged.Staged("fusion", "2024-03-01", "raw")));
        Assert.Equal(5, Rows(fused, "extract"));
        Assert.Equal(Rows(staged, "extract"), Rows(fused, "extract"));
        Assert.Equal(Fingerprint(_staged, "daily"), Fingerprint(_fused, "daily"));
        Assert.Equal(
            ["2024-03-01|10.5|2|2", "2024-03-02|11.25|2|2"],
            Warehouse.InMemory().Query($"SELECT CAST(day AS VARCHAR), revenue, orders, customers FROM read_parquet('{_fused.Staged("fusion", "2024-03-01", "daily")}') ORDER BY day")
                .Select(r => string.Join('|', r.Select(v => Convert.ToString(v, System.Globalization.CultureInfo.InvariantCulture)))));
    }

    [Theory]
    [InlineData("crlf", "id,customer,amount,day\r\n1,a,1,2024-03-01\r\n2,b,2,2024-03-01\r\n", "")]
    [InlineData("quoted line breaks", "id,customer,amount,day\n1,\"a\nb\",1,2024-03-01\n2,\"c,\"\"d\"\"\",2,2024-03-02\n", "")]
    [InlineData("no final line end", "id,customer,amount,day\n1,a,1,2024-03-01\n2,b,2,2024-03-02", "")]
    [InlineData("byte order mark", "\uFEFFid,customer,amount,day\n1,a,1,2024-03-01\n", "")]
    [InlineData("skipped lines", "exported by tool\nsecond line\nid,customer,amount,day\n1,a,1,2024-03-01\n2,b,2,2024-03-02\n", ", skip_rows: 2")]
    [InlineData("no header", "1,a,1,2024-03-01\n2,b,2,2024-03-02\n3,c,3,2024-03-02\n", ", header: false")]
    [InlineData("blank line", "id,customer,amount,day\n1,a,1,2024-03-01\n\n2,b,2,2024-03-02\n", "")]
    [InlineData("semicolons", "id;customer;amount;day\n1;a;1;2024-03-01\n2;b;2;2024-03-02\n", ", delimiter: ';'")]
    public async Task A_fused_read_counts_and_reads_the_rows_the_staged_read_does(string shape, string csv, string read)
    {
        var sql = """
              shaped:
                transform: sql
                input: raw
                output: shaped
                with: { sql: "SELECT day, count(*) AS orders, string_agg(customer, '/' ORDER BY id) AS customers, sum(amount) AS revenue FROM raw GROUP BY day" }
            """;
        var (fused, _) = await RunAsync(_fused, csv, Pipeline(sql, read: read));
        var (staged, _) = await RunAsync(_staged, csv, Pipeline(sql, fuse: false, read: read));

        Assert.True(fused.Succeeded, $"{shape}: {fused.Run.Error}");
        Assert.True(staged.Succeeded, $"{shape}: {staged.Run.Error}");
        Assert.Equal(Rows(staged, "extract"), Rows(fused, "extract"));
        Assert.Equal(Fingerprint(_staged, "shaped"), Fingerprint(_fused, "shaped"));
    }

    [Fact]
    public async Task A_malformed_record_abandons_the_fused_read_and_the_extract_fails_as_the_staged_one_does()
    {
        const string ragged = "id,customer,amount,day\n1,a,1,2024-03-01\n2,b\n3,\"c,3,2024-03-02\n";
        var (fused, fusedLog) = await RunAsync(_fused, ragged, Pipeline(Daily));
        var (staged, _) = await RunAsync(_staged, ragged, Pipeline(Daily, fuse: false));

        var error = fused.Tasks.Single(t => t.TaskId == "extract").Error;
        Assert.Contains("malformed CSV row(s)", error);
        Assert.Equal(staged.Tasks.Single(t => t.TaskId == "extract").Error!.Replace(_staged.Root, "<root>", StringComparison.Ordinal), error!.Replace(_fused.Root, "<root>", StringComparison.Ordinal));
        Assert.Equal(TaskState.UpstreamFailed, fused.Tasks.Single(t => t.TaskId == "daily").State);
        Assert.Contains(fusedLog, l => l.Contains("extract: fused read abandoned", StringComparison.Ordinal));
        Assert.False(File.Exists(_fused.Staged("fusion", "2024-03-01", "daily")));
    }

    [Fact]
    public async Task A_value_that_does_not_convert_abandons_the_fused_read_and_fails_naming_its_line()
    {
        var (fused, fusedLog) = await RunAsync(_fused, "id,customer,amount,day\n1,a,1,2024-03-01\n2,b,lots,2024-03-01\n", Pipeline(Daily));

        var error = fused.Tasks.Single(t => t.TaskId == "extract").Error!;
        Assert.Contains("in.csv:3:", error);
        Assert.Contains("\"lots\"", error);
        Assert.Contains(fusedLog, l => l.Contains("DuckDB set aside 1 row(s) that do not read as the declared columns", StringComparison.Ordinal));
        Assert.Equal(TaskState.UpstreamFailed, fused.Tasks.Single(t => t.TaskId == "daily").State);
    }

    [Fact]
    public async Task A_consumer_that_fails_fused_runs_again_staged_fails_with_its_own_error_and_a_resume_reuses_the_extract()
    {
        var failing = Daily.Replace("- drop_duplicates: {}", "- assert: { expr: \"amount < 5\", message: amounts are small }", StringComparison.Ordinal);
        var (first, log) = await RunAsync(_fused, Orders, Pipeline(failing));

        Assert.Equal(TaskState.Success, first.Tasks.Single(t => t.TaskId == "extract").State);
        Assert.Contains("amounts are small", first.Tasks.Single(t => t.TaskId == "daily").Error);
        Assert.True(File.Exists(_fused.Staged("fusion", "2024-03-01", "raw")), "the fallback stages the extract");
        Assert.Single(log, l => l.Contains("extract: fused read abandoned", StringComparison.Ordinal));

        _fused.Write("pipeline.yaml", Pipeline(Daily));
        var resumed = await _fused.RunAsync(_fused.Load(), "2024-03-01", resume: true);
        Assert.True(resumed.Succeeded, resumed.Run.Error);
        Assert.True(resumed.Tasks.Single(t => t.TaskId == "extract").Reused);
    }

    [Fact]
    public async Task Steps_whose_result_depends_on_row_order_read_the_staged_dataset()
    {
        var firstOfKey = """
              latest:
                transform: steps
                input: raw
                output: latest
                with:
                  steps:
                    - drop_duplicates: { subset: [id] }
            """;
        var (result, log) = await RunAsync(_fused, Orders, Pipeline(firstOfKey));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.DoesNotContain(log, l => l.Contains("fused", StringComparison.Ordinal));
        Assert.True(File.Exists(_fused.Staged("fusion", "2024-03-01", "raw")));
    }

    [Fact]
    public async Task An_extract_with_a_second_reader_is_staged()
    {
        var twoReaders = Daily + "\n" + """
              load: { sink: duckdb, input: raw, with: { database: wh.duckdb, table: raw, mode: replace } }
            """;
        var (result, log) = await RunAsync(_fused, Orders, Pipeline(twoReaders));

        Assert.True(result.Succeeded, result.Run.Error);
        Assert.DoesNotContain(log, l => l.Contains("fused", StringComparison.Ordinal));
        Assert.Equal(5L, _fused.Warehouse("wh.duckdb").Count("raw"));
    }

    public void Dispose()
    {
        _fused.Dispose();
        _staged.Dispose();
    }
}
