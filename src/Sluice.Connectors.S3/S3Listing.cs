using Amazon.S3.Model;

namespace Sluice.Connectors.S3;

/// <summary>An object found by a listing: its key and size.</summary>
internal sealed record S3ObjectInfo(string Key, long Size);

/// <summary>Lists keys page by page (ListObjectsV2 with continuation tokens), so any number of objects can match.</summary>
internal static class S3Listing
{
    /// <summary>S3's own page limit; smaller pages only cost more requests.</summary>
    public const int MaxPageSize = 1000;

    public static async Task<List<S3ObjectInfo>> ListAsync(S3Endpoint endpoint, string bucket, string prefix, int pageSize, CancellationToken cancellationToken)
    {
        var objects = new List<S3ObjectInfo>();
        string? token = null;
        do
        {
            var request = new ListObjectsV2Request
            {
                BucketName = bucket,
                Prefix = prefix.Length == 0 ? null : prefix,
                MaxKeys = Math.Clamp(pageSize, 1, MaxPageSize),
                ContinuationToken = token,
            };
            var page = await S3Errors.GuardAsync(() => endpoint.Client.ListObjectsV2Async(request, cancellationToken), endpoint, "listing", bucket, prefix);
            // SDK v4 leaves collections null when a page is empty.
            objects.AddRange((page.S3Objects ?? []).Select(o => new S3ObjectInfo(o.Key, o.Size ?? 0)));
            token = page.IsTruncated == true ? page.NextContinuationToken : null;
        }
        while (token is not null);

        return objects;
    }

    /// <summary>Every object that matches a location, sorted by key so runs read files in a stable order.</summary>
    public static async Task<List<S3ObjectInfo>> MatchAsync(S3Endpoint endpoint, S3Location location, int pageSize, CancellationToken cancellationToken)
    {
        if (!location.IsGlob && !location.IsPrefix)
        {
            // An exact key: a listing by the key finds it (and its size) without a HEAD that 404s silently.
            var exact = await ListAsync(endpoint, location.Bucket, location.Pattern, pageSize, cancellationToken);
            return exact.Where(o => o.Key == location.Pattern).ToList();
        }

        var listed = await ListAsync(endpoint, location.Bucket, location.ListPrefix, pageSize, cancellationToken);
        return listed.Where(o => location.Matches(o.Key)).OrderBy(o => o.Key, StringComparer.Ordinal).ToList();
    }
}
