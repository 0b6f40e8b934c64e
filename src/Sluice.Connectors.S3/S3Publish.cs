using Amazon.S3.Model;

namespace Sluice.Connectors.S3;

/// <summary>
/// Puts a folder of freshly written files under a key prefix. S3 has no rename and no multi-object
/// transaction, so replacing is done in the only safe order: upload every new object first (each PUT
/// or multipart completion is atomic: a reader sees the old object or the new one, never part of
/// one), then delete the old objects the new set does not overwrite. Between the first upload and
/// the last delete, a reader listing a replaced partition can see new objects next to old ones; a
/// failed run leaves that mix until the interval is re-run, which finishes the replacement.
/// </summary>
internal sealed class S3Publish(S3Endpoint endpoint, string bucket, string root, int partSize, Action<string> log)
{
    private const int ParallelUploads = 4;

    /// <summary>S3 deletes at most this many keys per DeleteObjects request.</summary>
    private const int DeleteBatch = 1000;

    public async Task<(int Written, int Removed)> RunAsync(string folder, string mode, DateOnly logicalDate, CancellationToken cancellationToken)
    {
        var files = Directory.EnumerateFiles(folder, "*", SearchOption.AllDirectories)
            .Select(f => Path.GetRelativePath(folder, f).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)
            .ToList();
        var uploads = files.Select(relative => (Local: Path.Combine(folder, relative), Key: KeyOf(relative, mode, logicalDate))).ToList();
        var transfer = new S3Transfer(endpoint);
        await Parallel.ForEachAsync(
            uploads,
            new ParallelOptions { MaxDegreeOfParallelism = ParallelUploads, CancellationToken = cancellationToken },
            async (upload, token) =>
            {
                var sent = await transfer.UploadAsync(upload.Local, bucket, upload.Key, partSize, token);
                log($"uploaded {S3Location.UrlOf(bucket, sent.Key)} ({sent.Size} bytes, {sent.Parts} part(s), md5 {sent.Md5Hex})");
            });

        var keep = uploads.Select(u => u.Key).ToHashSet(StringComparer.Ordinal);
        var scopes = mode switch
        {
            "replace" => [Prefix(string.Empty)],
            // Exactly the partitions this run wrote: the folders of its files (date=2024-03-01/kind=b/).
            "replace_partitions" => files.Select(f => f.Contains('/') ? f[..(f.LastIndexOf('/') + 1)] : string.Empty).Distinct().Select(Prefix).ToList(),
            _ => new List<string>(),
        };
        var removed = 0;
        foreach (var scope in scopes)
        {
            var old = await S3Listing.ListAsync(endpoint, bucket, scope, S3Listing.MaxPageSize, cancellationToken);
            // A partition folder holds only its own files: keys in deeper folders belong to other partitions.
            var stale = old.Select(o => o.Key)
                .Where(k => !keep.Contains(k) && (mode == "replace" || !k[scope.Length..].Contains('/')))
                .ToList();
            removed += await DeleteAsync(stale, cancellationToken);
        }

        return (uploads.Count, removed);
    }

    private string Prefix(string relativeFolder) => root.Length == 0 ? relativeFolder : $"{root}/{relativeFolder}";

    private string KeyOf(string relative, string mode, DateOnly logicalDate)
    {
        if (mode == "append")
        {
            // New names every run, so appended objects never overwrite earlier ones.
            var slash = relative.LastIndexOf('/') + 1;
            relative = $"{relative[..slash]}{logicalDate:yyyyMMdd}-{Guid.NewGuid():N}-{relative[slash..]}";
        }

        return Prefix(relative);
    }

    private async Task<int> DeleteAsync(List<string> keys, CancellationToken cancellationToken)
    {
        foreach (var batch in keys.Chunk(DeleteBatch))
        {
            var request = new DeleteObjectsRequest { BucketName = bucket, Objects = batch.Select(k => new KeyVersion { Key = k }).ToList(), Quiet = true };
            var response = await S3Errors.GuardAsync(() => endpoint.Client.DeleteObjectsAsync(request, cancellationToken), endpoint, "deleting replaced objects in", bucket, batch[0]);
            if (response.DeleteErrors is { Count: > 0 } errors)
            {
                var first = errors[0];
                throw new SluiceException($"deleting replaced objects at {endpoint.Display}: {errors.Count} could not be deleted, first {S3Location.UrlOf(bucket, first.Key)}: {first.Code} {first.Message}. The new objects are in place; re-run to finish the replacement.");
            }
        }

        return keys.Count;
    }
}
