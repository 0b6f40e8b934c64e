using System.Security.Cryptography;
using Amazon.Runtime;
using Amazon.S3;
using Amazon.S3.Model;

namespace Sluice.Connectors.S3.Tests.Infrastructure;

/// <summary>
/// The s3rver that ./test.sh starts (scripts/services/s3.sh), and a client to arrange and inspect
/// objects. Every test works under its own key prefix, so tests never see each other's objects.
/// </summary>
internal sealed class S3Server : IDisposable
{
    public S3Server()
    {
        Endpoint = Variable("SLUICE_TEST_S3_ENDPOINT");
        AccessKey = Variable("SLUICE_TEST_S3_ACCESS_KEY");
        SecretKey = Variable("SLUICE_TEST_S3_SECRET_KEY");
        Bucket = Variable("SLUICE_TEST_S3_BUCKET");
        Prefix = $"t-{Guid.NewGuid():N}";
        Client = new AmazonS3Client(new BasicAWSCredentials(AccessKey, SecretKey), new AmazonS3Config
        {
            ServiceURL = Endpoint,
            ForcePathStyle = true,
            AuthenticationRegion = "us-east-1",
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        });
    }

    public string Endpoint { get; }
    public string AccessKey { get; }
    public string SecretKey { get; }
    public string Bucket { get; }

    /// <summary>This test's own folder in the bucket.</summary>
    public string Prefix { get; }

    public IAmazonS3 Client { get; }

    /// <summary>An endpoint built by the connector's own client factory, as a task would open it.</summary>
    public S3Endpoint OpenEndpoint() => S3Endpoint.Create("store", Endpoint, "us-east-1", null, new BasicAWSCredentials(AccessKey, SecretKey));

    public string Key(string relative) => $"{Prefix}/{relative}";

    public string Url(string relative = "") => $"s3://{Bucket}/{Key(relative)}";

    /// <summary>
    /// The connections.yaml that points at this server. The endpoint is written out (every ${VAR}
    /// value is masked as a secret, and an endpoint is not one); the keys are ${VAR} references.
    /// </summary>
    public static string ConnectionsYaml(string secret = "${SLUICE_TEST_S3_SECRET_KEY}") => $$"""
        connections:
          store:
            type: s3
            endpoint: {{Variable("SLUICE_TEST_S3_ENDPOINT")}}
            access_key_id: ${SLUICE_TEST_S3_ACCESS_KEY}
            secret_access_key: {{secret}}

        """;

    public async Task PutTextAsync(string relative, string text) =>
        await Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = Key(relative), ContentBody = text, UseChunkEncoding = false });

    public async Task PutFileAsync(string relative, string path) =>
        await Client.PutObjectAsync(new PutObjectRequest { BucketName = Bucket, Key = Key(relative), FilePath = path, UseChunkEncoding = false });

    public async Task<byte[]> GetBytesAsync(string key)
    {
        using var response = await Client.GetObjectAsync(Bucket, key);
        using var copy = new MemoryStream();
        await response.ResponseStream.CopyToAsync(copy);
        return copy.ToArray();
    }

    public async Task<string> GetMd5Async(string key) => Convert.ToHexStringLower(MD5.HashData(await GetBytesAsync(key)));

    /// <summary>Every key under this test's prefix, relative to it, sorted.</summary>
    public async Task<List<string>> KeysAsync(string under = "")
    {
        var keys = new List<string>();
        string? token = null;
        do
        {
            var page = await Client.ListObjectsV2Async(new ListObjectsV2Request { BucketName = Bucket, Prefix = Key(under), ContinuationToken = token });
            keys.AddRange((page.S3Objects ?? []).Select(o => o.Key[(Prefix.Length + 1)..]));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        return keys.Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>Downloads an object to a local file, for reading it with DuckDB.</summary>
    public async Task<string> DownloadAsync(string key, string folder)
    {
        var path = Path.Combine(folder, key.Replace('/', '_').Replace('=', '-'));
        await File.WriteAllBytesAsync(path, await GetBytesAsync(key));
        return path;
    }

    private static string Variable(string name) =>
        Environment.GetEnvironmentVariable(name) is { Length: > 0 } value
            ? value
            : throw new InvalidOperationException($"{name} is not set: the S3 tests need the s3rver that ./test.sh starts. Run ./test.sh, or `source scripts/services/s3.sh` (with SLUICE_TEST_RUN_DIR and STOP_COMMANDS set) before dotnet test.");

    public void Dispose() => Client.Dispose();
}
