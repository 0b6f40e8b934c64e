using System.Net;
using Amazon.Runtime;
using Amazon.S3;

namespace Sluice.Connectors.S3;

/// <summary>
/// Turns SDK exceptions into one sentence that names the server, bucket and key and says what to
/// fix. Credentials are never part of the text: only the connection's name is.
/// </summary>
internal static class S3Errors
{
    public static SluiceException Translate(Exception e, S3Endpoint endpoint, string action, string bucket, string? key = null)
    {
        var target = key is null ? $"bucket '{bucket}'" : $"{S3Location.UrlOf(bucket, key)}";
        var at = $"{action} {target} at {endpoint.Display}";
        return e switch
        {
            AmazonS3Exception { ErrorCode: "InvalidAccessKeyId" or "SignatureDoesNotMatch" or "InvalidToken" or "ExpiredToken" } s =>
                new NonRetryableException($"{at}: the server refused the credentials of connection '{endpoint.Connection}' ({s.ErrorCode}). Check its access_key_id and secret_access_key."),
            AmazonS3Exception { ErrorCode: "AccessDenied" } or AmazonS3Exception { StatusCode: HttpStatusCode.Forbidden } =>
                new NonRetryableException($"{at}: access denied. Give the credentials of connection '{endpoint.Connection}' permission for this bucket and key."),
            AmazonS3Exception { ErrorCode: "NoSuchBucket" } =>
                new NonRetryableException($"{at}: bucket '{bucket}' does not exist. Create it, or fix the bucket name."),
            AmazonS3Exception { ErrorCode: "NoSuchKey" } or AmazonS3Exception { StatusCode: HttpStatusCode.NotFound } =>
                new NonRetryableException($"{at}: the object does not exist (it may have been deleted after it was listed)."),
            AmazonS3Exception { ErrorCode: "BadDigest" or "InvalidDigest" } =>
                new SluiceException($"{at}: the server received different bytes than were sent (Content-MD5 mismatch); retrying."),
            AmazonS3Exception s =>
                new SluiceException($"{at}: {s.ErrorCode ?? ((int)s.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture)}: {s.Message}"),
            AmazonServiceException { InnerException: HttpRequestException or IOException } or HttpRequestException =>
                new SluiceException($"{at}: cannot reach the server ({Innermost(e).Message}). Check the endpoint of connection '{endpoint.Connection}' and that the server is running."),
            AmazonClientException when e.Message.Contains("credentials", StringComparison.OrdinalIgnoreCase) =>
                new NonRetryableException($"{at}: no credentials: {e.Message} Give connection '{endpoint.Connection}' access_key_id and secret_access_key, or configure the AWS default credential chain."),
            _ => new SluiceException($"{at}: {e.GetType().Name}: {e.Message}"),
        };
    }

    /// <summary>Runs an S3 call, translating its failures; cancellation passes through untouched.</summary>
    public static async Task<T> GuardAsync<T>(Func<Task<T>> call, S3Endpoint endpoint, string action, string bucket, string? key = null)
    {
        try
        {
            return await call();
        }
        catch (Exception e) when (e is AmazonServiceException or AmazonClientException or HttpRequestException or IOException)
        {
            throw Translate(e, endpoint, action, bucket, key);
        }
    }

    private static Exception Innermost(Exception e)
    {
        while (e.InnerException is not null)
        {
            e = e.InnerException;
        }

        return e;
    }
}
