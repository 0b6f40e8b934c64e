using System.Globalization;
using Sluice.Connectors.S3.Tests.Infrastructure;

namespace Sluice.Connectors.S3.Tests;

/// <summary><c>source: s3</c> through the real runner: which objects a URL, key, prefix or glob selects, across listing pages, and what happens when none matches.</summary>
public sealed class SourceTests : SourceTestBase
{
    [Fact]
    public async Task A_glob_with_the_date_reads_only_matching_objects_across_listing_pages()
    {
        for (var i = 0; i < 9; i++)
        {
            await S3.PutTextAsync($"orders/orders_2024-03-01_{i}.csv", $"id,v\n{i},{i * 10}\n");
            await S3.PutTextAsync($"orders/orders_2024-03-02_{i}.csv", $"id,v\n{i + 100},0\n");
        }

        await S3.PutTextAsync("orders/orders_2024-03-01_notes.txt", "not data");
        await S3.PutTextAsync("orders/deeper/orders_2024-03-01_9.csv", "id,v\n999,0\n");
        Pipeline($"url: \"{S3.Url("orders/orders_{{ ds }}*.csv")}\", list_page_size: 4, filename_column: source");

        await SucceedsAsync();

        Assert.Equal(9, Count());
        Assert.Equal(360, Convert.ToInt64(Sql.Query($"SELECT sum(v)::BIGINT FROM read_parquet({Staged})")[0][0], CultureInfo.InvariantCulture));
        var sources = Sql.Query($"SELECT DISTINCT source FROM read_parquet({Staged}) ORDER BY 1").Select(r => (string)r[0]!).ToList();
        Assert.Equal(Enumerable.Range(0, 9).Select(i => S3.Url($"orders/orders_2024-03-01_{i}.csv")), sources);
    }

    [Fact]
    public async Task A_prefix_reads_every_object_under_it_across_many_pages()
    {
        for (var i = 0; i < 23; i++)
        {
            await S3.PutTextAsync($"events/day/part-{i:D3}.jsonl", $"{{\"n\": {i}}}\n{{\"n\": {i + 1000}}}\n");
        }

        await S3.PutTextAsync("events/other/part-0.jsonl", "{\"n\": -1}\n");
        Pipeline($"bucket: {S3.Bucket}, prefix: {S3.Key("events/day/")}, list_page_size: 2");

        await SucceedsAsync();

        Assert.Equal(46, Count());
        Assert.Equal(0, Count("n < 0"));
    }

    [Fact]
    public async Task Bucket_prefix_and_glob_narrow_the_objects_read()
    {
        await S3.PutTextAsync("mixed/a.csv", "x\n1\n");
        await S3.PutTextAsync("mixed/b.csv", "x\n2\n");
        await S3.PutTextAsync("mixed/b.json", "[{\"x\": 3}]");
        Pipeline($"bucket: {S3.Bucket}, prefix: {S3.Key("mixed/")}, glob: '*.csv', list_page_size: 1");

        await SucceedsAsync();

        Assert.Equal("1\n2", Sql.Snapshot($"read_parquet({Staged})"));
    }

    [Fact]
    public async Task Keys_with_glob_characters_are_read_as_plain_names()
    {
        await S3.PutTextAsync("odd/[x] *?{a,b}.csv", "v\n1\n");
        await S3.PutTextAsync("odd/[x] *?{a,b}.csv.bak", "v\n2\n");
        Pipeline($"bucket: {S3.Bucket}, prefix: {S3.Key("odd/")}, format: csv, filename_column: f");

        await SucceedsAsync();

        Assert.Equal($"1|{S3.Url("odd/[x] *?{a,b}.csv")}\n2|{S3.Url("odd/[x] *?{a,b}.csv.bak")}", Sql.Snapshot($"read_parquet({Staged})"));
    }

    [Fact]
    public async Task A_missing_object_fails_naming_bucket_key_and_the_date_it_was_templated_from()
    {
        await S3.PutTextAsync("daily/orders_2024-02-29.csv", "id\n1\n");
        Pipeline($"url: \"{S3.Url("daily/orders_{{ ds }}.csv")}\"");

        var result = await Project.RunAsync("2024-03-01");

        Assert.False(result.Succeeded);
        var error = result.Tasks.Single().Error!;
        Assert.Contains($"no object matches {S3.Url("daily/orders_2024-03-01.csv")}", error, StringComparison.Ordinal);
        Assert.Contains($"templated from '{S3.Url("daily/orders_{{ ds }}.csv")}' for logical date 2024-03-01", error, StringComparison.Ordinal);
        Assert.Contains(S3.Endpoint, error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Allow_missing_with_declared_columns_writes_an_empty_dataset()
    {
        Pipeline($"url: {S3.Url("nothing/*.csv")}, allow_missing: true", "datasets:\n  raw:\n    columns: { id: BIGINT }");

        await SucceedsAsync();

        Assert.Equal(0, Count());
    }
}
