using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Sluice.Artifacts;
using Sluice.Templating;

namespace Sluice.Connectors.S3;

/// <summary>
/// Run artifacts in a bucket (<c>artifacts: { connection: lake, location: s3://bucket/prefix }</c>).
/// Uploads go through the same byte-exact path as the sink (Content-MD5, no aws-chunked bodies,
/// multipart above 8 MiB), and an object appears only when its upload completes, so a reader on
/// another machine sees the previous version or the whole new one, never part of a file.
/// </summary>
internal sealed class S3ArtifactStore(S3Endpoint endpoint, S3Location root) : IArtifactStore
{
    private readonly S3Transfer _transfer = new(endpoint);

    public string Display => $"{root.Url} at {endpoint.Display}";

    public async Task UploadAsync(string localPath, string key, CancellationToken cancellationToken) =>
        await _transfer.UploadAsync(localPath, root.Bucket, KeyOf(key), S3Transfer.DefaultPartSize, cancellationToken);

    public async Task<bool> TryDownloadAsync(string key, string localPath, CancellationToken cancellationToken)
    {
        if (!await ExistsAsync(key, cancellationToken))
        {
            return false;
        }

        await _transfer.DownloadAsync(root.Bucket, KeyOf(key), localPath, cancellationToken);
        return true;
    }

    public async Task<bool> ExistsAsync(string key, CancellationToken cancellationToken)
    {
        var full = KeyOf(key);
        try
        {
            await endpoint.Client.GetObjectMetadataAsync(new GetObjectMetadataRequest { BucketName = root.Bucket, Key = full }, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception e) when (e.StatusCode == HttpStatusCode.NotFound && e.ErrorCode != "NoSuchBucket")
        {
            return false;
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or Amazon.Runtime.AmazonClientException or HttpRequestException or IOException)
        {
            throw S3Errors.Translate(e, endpoint, "looking for the run artifact", root.Bucket, full);
        }
    }

    public void Dispose() => endpoint.Dispose();

    private string KeyOf(string key) => root.Pattern.Length == 0 ? key : root.Pattern.TrimEnd('/') + "/" + key;
}

/// <summary>Lets <c>s3</c> connections hold run artifacts.</summary>
public sealed class S3ArtifactStoreProvider : IArtifactStoreProvider
{
    public string ConnectionType => S3Connection.TypeName;

    public IEnumerable<string> ValidateLocation(string location)
    {
        if (location.Contains("{{", StringComparison.Ordinal) || location.Contains("${", StringComparison.Ordinal))
        {
            yield break; // checked once rendered
        }

        string? problem = null;
        try
        {
            var parsed = S3Location.Parse(location, "location");
            if (parsed.IsGlob)
            {
                problem = $"location '{location}' has wildcards; give a bucket and an optional prefix, e.g. s3://bucket/sluice-artifacts.";
            }
        }
        catch (NonRetryableException e)
        {
            problem = e.Message;
        }

        if (problem is not null)
        {
            yield return problem;
        }
    }

    public IArtifactStore Open(string connectionName, ConnectorOptions connection, string location, SecretMasker secrets)
    {
        var root = S3Location.Parse(location, "artifacts.location");
        return new S3ArtifactStore(S3Endpoint.Open(connectionName, connection, secrets), root);
    }
}
