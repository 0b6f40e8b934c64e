using System.Globalization;
using System.Text.RegularExpressions;
using Sluice.Connectors.S3.Tests.Infrastructure;

namespace Sluice.Connectors.S3.Tests;

/// <summary><c>sink: s3</c> through the real runner: formats, partitions, modes and multipart uploads, byte for byte.</summary>
public sealed partial class SinkTests : IDisposable
{
    private readonly S3Server _s3 = new();
    private readonly TestProject _project = new();
    private readonly string _downloads = Directory.CreateTempSubdirectory("sluice-s3-sink-").FullName;

    public SinkTests() => _project.Write("connections.yaml", S3Server.ConnectionsYaml());

    private void Pipeline(string with) => _project.Write("pipeline.yaml", $$$"""
        name: s3out
        tasks:
          extract: { source: files, output: raw, with: { path: "in/{{ ds }}.csv" } }
          write: { sink: s3, input: raw, with: { connection: store, url: "{{{_s3.Url("events")}}}", {{{with}}} } }
        """);

    private async Task<RunLog> SucceedsAsync(string date)
    {
        var log = new RunLog();
        var result = await _project.RunAsync(date, log);
        Assert.True(result.Succeeded, result.Run.Error);
        return log;
    }

    /// <summary>The uploads a run logged: object key, parts, and the MD5 of the local file it sent.</summary>
    private static List<(string Key, int Parts, string Md5)> Uploads(RunLog log) =>
        log.Messages.Select(l => Uploaded().Match(l)).Where(m => m.Success)
            .Select(m => (m.Groups[1].Value, int.Parse(m.Groups[3].Value, CultureInfo.InvariantCulture), m.Groups[4].Value)).ToList();

    /// <summary>Every logged upload downloads to exactly the bytes that were sent.</summary>
    private async Task AssertByteExactAsync(RunLog log)
    {
        var uploads = Uploads(log);
        Assert.NotEmpty(uploads);
        foreach (var (key, _, md5) in uploads)
        {
            Assert.Equal(md5, await _s3.GetMd5Async(key));
        }
    }

    /// <summary>Downloads every object of the dataset and reads them back as one Hive-partitioned table.</summary>
    private async Task<string> ReadAllAsync(string format, string under = "events/")
    {
        var folder = Directory.CreateTempSubdirectory("dl-").FullName;
        foreach (var key in await _s3.KeysAsync(under))
        {
            var path = Path.Combine(folder, key.Replace('/', Path.DirectorySeparatorChar));
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            await File.WriteAllBytesAsync(path, await _s3.GetBytesAsync(_s3.Key(key)));
        }

        var reader = format switch { "csv" => "read_csv", "jsonl" => "read_json", _ => "read_parquet" };
        return Sql.Snapshot($"(SELECT date::VARCHAR, kind, v::BIGINT FROM {reader}({Sql.Quote(folder + "/**/*." + format)}, hive_partitioning = true))");
    }

    [Theory]
    [InlineData("parquet")]
    [InlineData("csv")]
    [InlineData("jsonl")]
    public async Task Each_format_goes_up_byte_for_byte_in_hive_partitions(string format)
    {
        _project.Write("in/2024-03-01.csv", "date,kind,v\n2024-03-01,a,1\n2024-03-01,b,2\n2024-03-02,b,3\n");
        Pipeline($"format: {format}, partition_by: [date, kind]");

        var log = await SucceedsAsync("2024-03-01");

        await AssertByteExactAsync(log);
        Assert.Equal(
            [$"events/date=2024-03-01/kind=a/part-0.{format}", $"events/date=2024-03-01/kind=b/part-0.{format}", $"events/date=2024-03-02/kind=b/part-0.{format}"],
            await _s3.KeysAsync("events/"));
        Assert.Equal("2024-03-01|a|1\n2024-03-01|b|2\n2024-03-02|b|3", await ReadAllAsync(format));
    }

    [Fact]
    public async Task A_large_file_goes_up_as_a_multipart_upload_of_more_than_two_parts_byte_for_byte()
    {
        Directory.CreateDirectory(_project.PathOf("in"));
        Sql.Execute($"COPY (SELECT i AS id, md5(i::VARCHAR) AS a, md5((i * 7)::VARCHAR) AS b FROM range(250000) t(i)) TO {Sql.Quote(_project.PathOf("in/2024-03-01.csv"))} (FORMAT csv)");
        Pipeline("format: csv, mode: replace, part_size_mb: 5");

        var log = await SucceedsAsync("2024-03-01");

        var upload = Assert.Single(Uploads(log));
        Assert.True(upload.Parts > 2, $"expected more than 2 parts, got {upload.Parts}");
        Assert.Equal(upload.Md5, await _s3.GetMd5Async(upload.Key));
        var path = Path.Combine(_downloads, "big.csv");
        await File.WriteAllBytesAsync(path, await _s3.GetBytesAsync(upload.Key));
        Assert.Equal(250000L, Convert.ToInt64(Sql.Query($"SELECT count(DISTINCT a) FROM read_csv({Sql.Quote(path)})")[0][0], CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Rerunning_an_interval_replaces_exactly_its_partitions_and_leaves_the_others_alone()
    {
        Pipeline("partition_by: [date, kind]");
        _project.Write("in/2024-03-01.csv", "date,kind,v\n2024-03-01,a,1\n2024-03-01,b,2\n2024-03-01,b,3\n");
        _project.Write("in/2024-03-02.csv", "date,kind,v\n2024-03-02,a,4\n");
        await SucceedsAsync("2024-03-01");
        await SucceedsAsync("2024-03-02");
        var untouched = await _s3.Client.GetObjectMetadataAsync(_s3.Bucket, _s3.Key("events/date=2024-03-02/kind=a/part-0.parquet"));
        // An object a previous run left in the partition (say, written with more threads) must go too.
        await _s3.PutTextAsync("events/date=2024-03-01/kind=b/part-7.parquet", "stale");

        _project.Write("in/2024-03-01.csv", "date,kind,v\n2024-03-01,b,30\n");
        var log = await SucceedsAsync("2024-03-01");

        Assert.Equal(
            ["events/date=2024-03-01/kind=a/part-0.parquet", "events/date=2024-03-01/kind=b/part-0.parquet", "events/date=2024-03-02/kind=a/part-0.parquet"],
            await _s3.KeysAsync("events/"));
        Assert.Equal("2024-03-01|a|1\n2024-03-01|b|30\n2024-03-02|a|4", await ReadAllAsync("parquet"));
        var after = await _s3.Client.GetObjectMetadataAsync(_s3.Bucket, _s3.Key("events/date=2024-03-02/kind=a/part-0.parquet"));
        Assert.Equal((untouched.ETag, untouched.LastModified), (after.ETag, after.LastModified));
        Assert.Contains(log.Messages, l => l.Contains("removed 1 replaced object(s)", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Replace_swaps_every_object_under_the_prefix_and_append_adds_new_ones()
    {
        _project.Write("in/2024-03-01.csv", "v\n1\n2\n");
        _project.Write("in/2024-03-02.csv", "v\n3\n");
        await _s3.PutTextAsync("events/old/leftover.parquet", "from another writer");
        await _s3.PutTextAsync("eventsXYZ/neighbour.txt", "shares the prefix text, not the folder");
        Pipeline("mode: replace");
        await SucceedsAsync("2024-03-01");
        await SucceedsAsync("2024-03-02");
        Assert.Equal(["events/part-0.parquet"], await _s3.KeysAsync("events/"));
        Assert.Equal(["eventsXYZ/neighbour.txt"], await _s3.KeysAsync("eventsX"));

        Pipeline("mode: append");
        var log = await SucceedsAsync("2024-03-01");

        await AssertByteExactAsync(log);
        var keys = await _s3.KeysAsync("events/");
        Assert.Equal(2, keys.Count);
        Assert.Matches(@"^events/20240301-[0-9a-f]{32}-part-0\.parquet$", keys[0]);
        Assert.Equal("1\n2\n3", Sql.Snapshot($"(SELECT v::BIGINT FROM read_parquet([{string.Join(", ", await Task.WhenAll(keys.Select(async k => Sql.Quote(await _s3.DownloadAsync(_s3.Key(k), _downloads)))))}]))"));
    }

    [Fact]
    public async Task An_empty_replace_keeps_the_objects_unless_on_empty_allows_it()
    {
        _project.Write("in/2024-03-01.csv", "v\n1\n2\n");
        _project.Write("in/2024-03-02.csv", "v\n");
        Pipeline("mode: replace");
        await SucceedsAsync("2024-03-01");
        var before = await _s3.GetMd5Async(_s3.Key("events/part-0.parquet"));

        var refused = await _project.RunAsync("2024-03-02", new RunLog());

        Assert.False(refused.Succeeded);
        Assert.Contains("mode 'replace' would replace the 1 object(s) under s3://", refused.Run.Error, StringComparison.Ordinal);
        Assert.Contains("refused, nothing was changed", refused.Run.Error, StringComparison.Ordinal);
        Assert.Equal(["events/part-0.parquet"], await _s3.KeysAsync("events/"));
        Assert.Equal(before, await _s3.GetMd5Async(_s3.Key("events/part-0.parquet")));

        _project.Write("pipeline.yaml", File.ReadAllText(_project.PathOf("pipeline.yaml")).Replace("write: { sink: s3,", "write: { on_empty: ok, sink: s3,", StringComparison.Ordinal));
        await SucceedsAsync("2024-03-02");

        Assert.NotEqual(before, await _s3.GetMd5Async(_s3.Key("events/part-0.parquet")));
    }

    [Fact]
    public async Task Replace_partitions_without_partition_by_is_a_validation_error()
    {
        _project.Write("in/2024-03-01.csv", "v\n1\n");
        Pipeline("format: csv");

        var error = await Assert.ThrowsAsync<Validation.PipelineValidationException>(() => _project.RunAsync("2024-03-01"));

        Assert.Contains("mode 'replace_partitions' needs option 'partition_by'", error.Message, StringComparison.Ordinal);
    }

    [GeneratedRegex(@"^uploaded s3://[^/]+/(\S+) \((\d+) bytes, (\d+) part\(s\), md5 ([0-9a-f]{32})\)$")]
    private static partial Regex Uploaded();

    public void Dispose()
    {
        _project.Dispose();
        _s3.Dispose();
        Directory.Delete(_downloads, recursive: true);
    }
}
