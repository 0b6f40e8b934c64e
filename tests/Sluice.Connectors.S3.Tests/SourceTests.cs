using System.Globalization;
using Sluice.Connectors.S3.Tests.Infrastructure;

namespace Sluice.Connectors.S3.Tests;

/// <summary><c>source: s3</c> through the real runner: keys, prefixes and globs across listing pages, every format.</summary>
public sealed class SourceTests : IDisposable
{
    private readonly S3Server _s3 = new();
    private readonly TestProject _project = new();

    private void Pipeline(string with, string datasets = "") => _project.Write("pipeline.yaml", $$$"""
        name: s3in
        {{{datasets}}}
        tasks:
          pull: { source: s3, output: raw, with: { connection: store, {{{with}}} } }
        """);

    private string Staged => Sql.Quote(_project.StagedPath("s3in", "2024-03-01", "raw"));

    private long Count(string filter = "true") =>
        Convert.ToInt64(Sql.Query($"SELECT count(*) FROM read_parquet({Staged}) WHERE {filter}")[0][0], CultureInfo.InvariantCulture);

    private async Task SucceedsAsync(LogLines? log = null)
    {
        var result = await _project.RunAsync("2024-03-01", log);
        Assert.True(result.Succeeded, result.Run.Error);
    }

    [Fact]
    public async Task A_glob_with_the_date_reads_only_matching_objects_across_listing_pages()
    {
        for (var i = 0; i < 9; i++)
        {
            await _s3.PutTextAsync($"orders/orders_2024-03-01_{i}.csv", $"id,v\n{i},{i * 10}\n");
            await _s3.PutTextAsync($"orders/orders_2024-03-02_{i}.csv", $"id,v\n{i + 100},0\n");
        }

        await _s3.PutTextAsync("orders/orders_2024-03-01_notes.txt", "not data");
        await _s3.PutTextAsync("orders/deeper/orders_2024-03-01_9.csv", "id,v\n999,0\n");
        Pipeline($"url: \"{_s3.Url("orders/orders_{{ ds }}*.csv")}\", list_page_size: 4, filename_column: source");

        await SucceedsAsync();

        Assert.Equal(9, Count());
        Assert.Equal(360, Convert.ToInt64(Sql.Query($"SELECT sum(v)::BIGINT FROM read_parquet({Staged})")[0][0], CultureInfo.InvariantCulture));
        var sources = Sql.Query($"SELECT DISTINCT source FROM read_parquet({Staged}) ORDER BY 1").Select(r => (string)r[0]!).ToList();
        Assert.Equal(Enumerable.Range(0, 9).Select(i => _s3.Url($"orders/orders_2024-03-01_{i}.csv")), sources);
    }

    [Fact]
    public async Task A_prefix_reads_every_object_under_it_across_many_pages()
    {
        for (var i = 0; i < 23; i++)
        {
            await _s3.PutTextAsync($"events/day/part-{i:D3}.jsonl", $"{{\"n\": {i}}}\n{{\"n\": {i + 1000}}}\n");
        }

        await _s3.PutTextAsync("events/other/part-0.jsonl", "{\"n\": -1}\n");
        Pipeline($"bucket: {_s3.Bucket}, prefix: {_s3.Key("events/day/")}, list_page_size: 2");

        await SucceedsAsync();

        Assert.Equal(46, Count());
        Assert.Equal(0, Count("n < 0"));
    }

    [Fact]
    public async Task Bucket_prefix_and_glob_narrow_the_objects_read()
    {
        await _s3.PutTextAsync("mixed/a.csv", "x\n1\n");
        await _s3.PutTextAsync("mixed/b.csv", "x\n2\n");
        await _s3.PutTextAsync("mixed/b.json", "[{\"x\": 3}]");
        Pipeline($"bucket: {_s3.Bucket}, prefix: {_s3.Key("mixed/")}, glob: '*.csv', list_page_size: 1");

        await SucceedsAsync();

        Assert.Equal("1\n2", Sql.Snapshot($"read_parquet({Staged})"));
    }

    [Theory]
    [InlineData("csv", "id;name\n1;\"a; b\"\n2;NA\n", "delimiter: ';', null_values: [NA]")]
    [InlineData("jsonl", "{\"id\": 1, \"name\": \"a; b\"}\n{\"id\": 2, \"name\": null}\n", "")]
    [InlineData("json", "[{\"id\": 1, \"name\": \"a; b\"}, {\"id\": 2, \"name\": null}]", "")]
    public async Task Each_text_format_reads_by_key_with_the_files_source_options(string format, string content, string options)
    {
        await _s3.PutTextAsync($"fmt/data.{format}", content);
        Pipeline($"bucket: {_s3.Bucket}, key: {_s3.Key($"fmt/data.{format}")}{(options.Length > 0 ? ", " + options : string.Empty)}");

        await SucceedsAsync();

        Assert.Equal("1|a; b\n2|", Sql.Snapshot($"read_parquet({Staged}) ORDER BY id"));
    }

    [Fact]
    public async Task Parquet_objects_are_read_with_declared_column_types()
    {
        var local = _project.PathOf("in.parquet");
        Sql.Execute($"COPY (SELECT i AS id, 'n' || i AS name FROM range(5) t(i)) TO {Sql.Quote(local)} (FORMAT parquet)");
        await _s3.PutFileAsync("pq/in.parquet", local);
        Pipeline($"url: {_s3.Url("pq/in.parquet")}, filename_column: f");

        await SucceedsAsync();

        Assert.Equal(5, Count());
        Assert.Equal("BIGINT", Sql.Query($"SELECT column_type FROM (DESCRIBE SELECT * FROM read_parquet({Staged})) WHERE column_name = 'id'")[0][0]);
        Assert.Equal(_s3.Url("pq/in.parquet"), Sql.Query($"SELECT DISTINCT f FROM read_parquet({Staged})")[0][0]);
    }

    [Fact]
    public async Task Hive_folders_in_keys_become_columns_as_they_do_for_local_files()
    {
        await _s3.PutTextAsync("lake/date=2024-03-01/part-0.csv", "v\n1\n");
        await _s3.PutTextAsync("lake/date=2024-03-02/part-0.csv", "v\n2\n");
        Pipeline($"url: \"{_s3.Url("lake/**/*.csv")}\"");

        await SucceedsAsync();

        Assert.Equal("2024-03-01|1\n2024-03-02|2", Sql.Snapshot($"(SELECT strftime(date, '%Y-%m-%d'), v FROM read_parquet({Staged}))"));
    }

    [Fact]
    public async Task Keys_with_glob_characters_are_read_as_plain_names()
    {
        await _s3.PutTextAsync("odd/[x] *?{a,b}.csv", "v\n1\n");
        await _s3.PutTextAsync("odd/[x] *?{a,b}.csv.bak", "v\n2\n");
        Pipeline($"bucket: {_s3.Bucket}, prefix: {_s3.Key("odd/")}, format: csv, filename_column: f");

        await SucceedsAsync();

        Assert.Equal($"1|{_s3.Url("odd/[x] *?{a,b}.csv")}\n2|{_s3.Url("odd/[x] *?{a,b}.csv.bak")}", Sql.Snapshot($"read_parquet({Staged})"));
    }

    [Fact]
    public async Task A_missing_object_fails_naming_bucket_key_and_the_date_it_was_templated_from()
    {
        await _s3.PutTextAsync("daily/orders_2024-02-29.csv", "id\n1\n");
        Pipeline($"url: \"{_s3.Url("daily/orders_{{ ds }}.csv")}\"");

        var result = await _project.RunAsync("2024-03-01");

        Assert.False(result.Succeeded);
        var error = result.Tasks.Single().Error!;
        Assert.Contains($"no object matches {_s3.Url("daily/orders_2024-03-01.csv")}", error, StringComparison.Ordinal);
        Assert.Contains($"templated from '{_s3.Url("daily/orders_{{ ds }}.csv")}' for logical date 2024-03-01", error, StringComparison.Ordinal);
        Assert.Contains(_s3.Endpoint, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allow_missing_with_declared_columns_writes_an_empty_dataset()
    {
        Pipeline($"url: {_s3.Url("nothing/*.csv")}, allow_missing: true", "datasets:\n  raw:\n    columns: { id: BIGINT }");

        await SucceedsAsync();

        Assert.Equal(0, Count());
    }

    [Fact]
    public async Task Malformed_csv_rows_are_reported_and_quarantined_with_the_object_url()
    {
        await _s3.PutTextAsync("bad/orders.csv", "id,v\n1,10\n2,oops,extra\n3,30\n");
        _project.Write("pipeline.yaml", $"""
            name: s3in
            datasets:
              raw:
                columns: {"{ id: BIGINT, v: BIGINT }"}
            tasks:
              pull:
                source: s3
                output: raw
                on_bad_rows: quarantine
                with: {"{"} connection: store, url: {_s3.Url("bad/orders.csv")} {"}"}
            """);

        await SucceedsAsync();

        Assert.Equal(2, Count());
        var rejected = Sql.Query($"SELECT source_file, line_number FROM read_parquet({Sql.Quote(_project.StagedPath("s3in", "2024-03-01", "raw_quarantine"))})");
        Assert.Equal(_s3.Url("bad/orders.csv"), Assert.Single(rejected)[0]);
    }

    public void Dispose()
    {
        _project.Dispose();
        _s3.Dispose();
    }
}
