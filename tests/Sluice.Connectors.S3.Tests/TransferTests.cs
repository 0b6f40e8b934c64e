using System.Security.Cryptography;
using Sluice.Connectors.S3.Tests.Infrastructure;

namespace Sluice.Connectors.S3.Tests;

/// <summary>
/// Byte-exact round trips through every upload path against a real S3-compatible server: the bytes
/// downloaded must hash the same as the local file (aws-chunked framing stored as data would not).
/// </summary>
public sealed class TransferTests : IDisposable
{
    private readonly S3Server _s3 = new();
    private readonly string _folder = Directory.CreateTempSubdirectory("sluice-s3-transfer-").FullName;

    private string RandomFile(string name, long size)
    {
        var path = Path.Combine(_folder, name);
        var bytes = new byte[size];
        new Random(42).NextBytes(bytes);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private async Task<S3Upload> RoundTripAsync(string path, string relative, int partSize)
    {
        using var endpoint = _s3.OpenEndpoint();
        var transfer = new S3Transfer(endpoint);
        var sent = await transfer.UploadAsync(path, _s3.Bucket, _s3.Key(relative), partSize, CancellationToken.None);

        var local = Convert.ToHexStringLower(MD5.HashData(File.ReadAllBytes(path)));
        Assert.Equal(local, sent.Md5Hex);
        Assert.Equal(local, await _s3.GetMd5Async(_s3.Key(relative)));
        Assert.Equal(new FileInfo(path).Length, (await _s3.GetBytesAsync(_s3.Key(relative))).LongLength);
        return sent;
    }

    [Fact]
    public async Task A_small_file_goes_up_in_one_put_byte_for_byte()
    {
        var sent = await RoundTripAsync(RandomFile("small.bin", 100_003), "small.bin", S3Transfer.DefaultPartSize);

        Assert.Equal(1, sent.Parts);
    }

    [Fact]
    public async Task An_empty_file_round_trips()
    {
        var sent = await RoundTripAsync(RandomFile("empty.bin", 0), "empty.bin", S3Transfer.DefaultPartSize);

        Assert.Equal((1, 0L), (sent.Parts, sent.Size));
    }

    [Fact]
    public async Task A_file_larger_than_the_part_size_goes_up_in_parts_byte_for_byte()
    {
        var size = (12L * S3Transfer.MiB) + 654_321; // three parts of 5 MiB, the last one short
        var sent = await RoundTripAsync(RandomFile("large.bin", size), "large.bin", S3Transfer.MinPartSize);

        Assert.Equal(3, sent.Parts);
    }

    [Fact]
    public async Task A_file_of_exactly_the_part_size_is_one_put_and_one_byte_more_is_two_parts()
    {
        var exact = await RoundTripAsync(RandomFile("exact.bin", S3Transfer.MinPartSize), "exact.bin", S3Transfer.MinPartSize);
        var over = await RoundTripAsync(RandomFile("over.bin", S3Transfer.MinPartSize + 1), "over.bin", S3Transfer.MinPartSize);

        Assert.Equal((1, 2), (exact.Parts, over.Parts));
    }

    [Fact]
    public async Task A_part_size_below_the_S3_minimum_is_raised_to_5_MiB()
    {
        var sent = await RoundTripAsync(RandomFile("raised.bin", 6L * S3Transfer.MiB), "raised.bin", 1024);

        Assert.Equal(2, sent.Parts);
    }

    [Fact]
    public async Task Downloads_stream_to_a_file_that_equals_the_object()
    {
        var path = RandomFile("down.bin", (6L * S3Transfer.MiB) + 7);
        await _s3.PutFileAsync("down.bin", path);
        using var endpoint = _s3.OpenEndpoint();
        var target = Path.Combine(_folder, "copy.bin");

        await new S3Transfer(endpoint).DownloadAsync(_s3.Bucket, _s3.Key("down.bin"), target, CancellationToken.None);

        Assert.Equal(MD5.HashData(File.ReadAllBytes(path)), MD5.HashData(File.ReadAllBytes(target)));
    }

    public void Dispose()
    {
        _s3.Dispose();
        Directory.Delete(_folder, recursive: true);
    }
}
