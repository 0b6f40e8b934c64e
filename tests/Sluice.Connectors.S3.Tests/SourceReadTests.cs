using Sluice.Connectors.S3.Tests.Infrastructure;

namespace Sluice.Connectors.S3.Tests;

/// <summary><c>source: s3</c> reads objects as the files source reads files: every format, CSV options, Hive folders, bad rows, s3:// URLs in place of local paths.</summary>
public sealed class SourceReadTests : SourceTestBase
{
    [Theory]
    [InlineData("csv", "id;name\n1;\"a; b\"\n2;NA\n", "delimiter: ';', null_values: [NA]")]
    [InlineData("jsonl", "{\"id\": 1, \"name\": \"a; b\"}\n{\"id\": 2, \"name\": null}\n", "")]
    [InlineData("json", "[{\"id\": 1, \"name\": \"a; b\"}, {\"id\": 2, \"name\": null}]", "")]
    public async Task Each_text_format_reads_by_key_with_the_files_source_options(string format, string content, string options)
    {
        await S3.PutTextAsync($"fmt/data.{format}", content);
        Pipeline($"bucket: {S3.Bucket}, key: {S3.Key($"fmt/data.{format}")}{(options.Length > 0 ? ", " + options : string.Empty)}");

        await SucceedsAsync();

        Assert.Equal("1|a; b\n2|", Sql.Snapshot($"read_parquet({Staged}) ORDER BY id"));
    }

    [Fact]
    public async Task Parquet_objects_are_read_with_their_types_and_the_object_url()
    {
        var local = Project.PathOf("in.parquet");
        Sql.Execute($"COPY (SELECT i AS id, 'n' || i AS name FROM range(5) t(i)) TO {Sql.Quote(local)} (FORMAT parquet)");
        await S3.PutFileAsync("pq/in.parquet", local);
        Pipeline($"url: {S3.Url("pq/in.parquet")}, filename_column: f");

        await SucceedsAsync();

        Assert.Equal(5, Count());
        Assert.Equal("BIGINT", Sql.Query($"SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet({Staged})) WHERE column_name = 'id'")[0][0]);
        Assert.Equal(S3.Url("pq/in.parquet"), Sql.Query($"SELECT DISTINCT f FROM read_parquet({Staged})")[0][0]);
    }

    [Fact]
    public async Task Hive_folders_in_keys_become_columns_as_they_do_for_local_files()
    {
        await S3.PutTextAsync("lake/date=2024-03-01/part-0.csv", "v\n1\n");
        await S3.PutTextAsync("lake/date=2024-03-02/part-0.csv", "v\n2\n");
        Pipeline($"url: \"{S3.Url("lake/**/*.csv")}\"");

        await SucceedsAsync();

        Assert.Equal("2024-03-01|1\n2024-03-02|2", Sql.Snapshot($"(SELECT strftime(date, '%Y-%m-%d'), v FROM read_parquet({Staged}))"));
    }

    [Fact]
    public async Task A_partitioned_dataset_written_by_the_sink_reads_back_with_its_partition_columns()
    {
        Project.Write("in/2024-03-01.csv", "order_date,v\n2024-03-01,1\n2024-03-02,2\n");
        Project.Write("pipeline.yaml", $$$"""
            name: s3in
            tasks:
              extract: { source: files, output: local, with: { path: "in/{{ ds }}.csv" } }
              write: { sink: s3, input: local, with: { connection: store, url: "{{{S3.Url("orders")}}}", partition_by: [order_date] } }
              pull: { source: s3, output: raw, depends_on: [write], with: { connection: store, url: "{{{S3.Url("orders/**/*.parquet")}}}", filename_column: object } }
            """);

        await SucceedsAsync();

        Assert.Equal(
            $"2024-03-01|1|{S3.Url("orders/order_date=2024-03-01/part-0.parquet")}\n2024-03-02|2|{S3.Url("orders/order_date=2024-03-02/part-0.parquet")}",
            Sql.Snapshot($"(SELECT strftime(order_date, '%Y-%m-%d'), v, object FROM read_parquet({Staged}))"));
    }

    [Fact]
    public async Task Malformed_csv_rows_fail_the_task_naming_the_object_url_and_line()
    {
        await S3.PutTextAsync("bad/orders.csv", "id,v\n1,10\n2,oops,extra\n");
        Pipeline($"url: {S3.Url("bad/orders.csv")}", "datasets:\n  raw:\n    columns: { id: BIGINT, v: BIGINT }");

        var result = await Project.RunAsync("2024-03-01");

        Assert.Contains($"{S3.Url("bad/orders.csv")}:3:", result.Tasks.Single().Error, StringComparison.Ordinal);
        Assert.DoesNotContain(Path.GetTempPath(), result.Tasks.Single().Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Malformed_csv_rows_are_reported_and_quarantined_with_the_object_url()
    {
        await S3.PutTextAsync("bad/orders.csv", "id,v\n1,10\n2,oops,extra\n3,30\n");
        Project.Write("pipeline.yaml", $"""
            name: s3in
            datasets:
              raw:
                columns: {"{ id: BIGINT, v: BIGINT }"}
            tasks:
              pull:
                source: s3
                output: raw
                on_bad_rows: quarantine
                with: {"{"} connection: store, url: {S3.Url("bad/orders.csv")} {"}"}
            """);

        await SucceedsAsync();

        Assert.Equal(2, Count());
        var rejected = Sql.Query($"SELECT source_file, line_number FROM read_parquet({Sql.Quote(Project.Staged("s3in", "2024-03-01", "raw_quarantine"))})");
        Assert.Equal(S3.Url("bad/orders.csv"), Assert.Single(rejected)[0]);
    }
}
