using System.Security.Cryptography;
using Amazon.S3.Model;

namespace Sluice.Connectors.S3;

/// <summary>What an upload sent: the key, its size, the MD5 of the whole file, and how many parts.</summary>
internal sealed record S3Upload(string Key, long Size, string Md5Hex, int Parts);

/// <summary>
/// Moves files between a local folder and a bucket through streams, so memory stays bounded whatever
/// the object's size. Uploads never use aws-chunked encoding (S3-compatible servers store its framing
/// as data) and carry Content-MD5, so the server rejects any body that differs from the file.
/// </summary>
internal sealed class S3Transfer(S3Endpoint endpoint)
{
    public const int MiB = 1024 * 1024;

    /// <summary>S3 refuses parts smaller than 5 MiB, except the last.</summary>
    public const int MinPartSize = 5 * MiB;

    public const int DefaultPartSize = 8 * MiB;

    private const int BufferSize = 81920;

    public async Task DownloadAsync(string bucket, string key, string localPath, CancellationToken cancellationToken)
    {
        await S3Errors.GuardAsync(
            async () =>
            {
                using var response = await endpoint.Client.GetObjectAsync(new GetObjectRequest { BucketName = bucket, Key = key }, cancellationToken);
                await using var body = response.ResponseStream;
                await using var file = new FileStream(localPath, FileMode.Create, FileAccess.Write, FileShare.None, BufferSize, useAsync: true);
                await body.CopyToAsync(file, BufferSize, cancellationToken);
                return true;
            },
            endpoint,
            "downloading",
            bucket,
            key);
    }

    /// <summary>One PUT for files up to <paramref name="partSize"/>; a multipart upload of that part size above it.</summary>
    public async Task<S3Upload> UploadAsync(string localPath, string bucket, string key, int partSize, CancellationToken cancellationToken)
    {
        partSize = Math.Max(partSize, MinPartSize);
        var size = new FileInfo(localPath).Length;
        return size <= partSize
            ? await PutAsync(localPath, bucket, key, size, cancellationToken)
            : await MultipartAsync(localPath, bucket, key, size, partSize, cancellationToken);
    }

    private async Task<S3Upload> PutAsync(string localPath, string bucket, string key, long size, CancellationToken cancellationToken)
    {
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var md5 = await HashRangeAsync(localPath, 0, size, whole, cancellationToken);
        var request = new PutObjectRequest
        {
            BucketName = bucket,
            Key = key,
            FilePath = localPath,
            MD5Digest = Convert.ToBase64String(md5),
            UseChunkEncoding = false,
        };
        await S3Errors.GuardAsync(() => endpoint.Client.PutObjectAsync(request, cancellationToken), endpoint, "uploading to", bucket, key);
        return new S3Upload(key, size, Convert.ToHexStringLower(md5), 1);
    }

    private async Task<S3Upload> MultipartAsync(string localPath, string bucket, string key, long size, int partSize, CancellationToken cancellationToken)
    {
        var start = await S3Errors.GuardAsync(
            () => endpoint.Client.InitiateMultipartUploadAsync(new InitiateMultipartUploadRequest { BucketName = bucket, Key = key }, cancellationToken),
            endpoint,
            "starting a multipart upload to",
            bucket,
            key);
        using var whole = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        var parts = new List<PartETag>();
        try
        {
            // Parts go one after another: each is read twice from disk (hash, then send) and never held in memory.
            for (long offset = 0; offset < size; offset += partSize)
            {
                var length = Math.Min(partSize, size - offset);
                var number = parts.Count + 1;
                var md5 = await HashRangeAsync(localPath, offset, length, whole, cancellationToken);
                var part = new UploadPartRequest
                {
                    BucketName = bucket,
                    Key = key,
                    UploadId = start.UploadId,
                    PartNumber = number,
                    FilePath = localPath,
                    FilePosition = offset,
                    PartSize = length,
                    MD5Digest = Convert.ToBase64String(md5),
                    UseChunkEncoding = false,
                };
                var sent = await S3Errors.GuardAsync(() => endpoint.Client.UploadPartAsync(part, cancellationToken), endpoint, $"uploading part {number} to", bucket, key);
                parts.Add(new PartETag(number, sent.ETag));
            }

            var complete = new CompleteMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = start.UploadId, PartETags = parts };
            await S3Errors.GuardAsync(() => endpoint.Client.CompleteMultipartUploadAsync(complete, cancellationToken), endpoint, "completing the multipart upload to", bucket, key);
        }
        catch
        {
            // An abandoned upload keeps its parts (and their storage cost) until aborted.
            await AbortQuietlyAsync(bucket, key, start.UploadId);
            throw;
        }

        return new S3Upload(key, size, Convert.ToHexStringLower(whole.GetHashAndReset()), parts.Count);
    }

    private async Task AbortQuietlyAsync(string bucket, string key, string uploadId)
    {
        try
        {
            using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(30));
            await endpoint.Client.AbortMultipartUploadAsync(new AbortMultipartUploadRequest { BucketName = bucket, Key = key, UploadId = uploadId }, timeout.Token);
        }
        catch (Exception e) when (e is Amazon.Runtime.AmazonServiceException or HttpRequestException or OperationCanceledException)
        {
            // The original failure is what the user needs to see; a bucket lifecycle rule cleans up the rest.
        }
    }

    /// <summary>MD5 of one byte range (for Content-MD5), also fed into the whole file's hash.</summary>
    private static async Task<byte[]> HashRangeAsync(string path, long offset, long length, IncrementalHash whole, CancellationToken cancellationToken)
    {
        using var part = IncrementalHash.CreateHash(HashAlgorithmName.MD5);
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, BufferSize, useAsync: true);
        file.Position = offset;
        var buffer = new byte[BufferSize];
        var left = length;
        while (left > 0)
        {
            var read = await file.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
            if (read == 0)
            {
                throw new IOException($"{path} ended before the {length} bytes expected at offset {offset}; was it changed while uploading?");
            }

            part.AppendData(buffer, 0, read);
            whole.AppendData(buffer, 0, read);
            left -= read;
        }

        return part.GetHashAndReset();
    }
}
