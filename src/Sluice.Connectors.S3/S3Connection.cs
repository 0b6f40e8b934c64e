using Amazon;
using Amazon.Runtime;
using Amazon.S3;

namespace Sluice.Connectors.S3;

/// <summary>
/// The <c>s3</c> connection type, and the client it opens. Settings are the ones S3-compatible
/// servers (s3rver, MinIO) need from AWSSDK.S3 v4: path-style addressing, and checksums only where
/// the API requires them, because those servers store aws-chunked, checksum-trailed bodies as bytes.
/// </summary>
public static class S3Connection
{
    public const string TypeName = "s3";

    public static ConnectionType Type { get; } = new(
        TypeName,
        "Amazon S3 or an S3-compatible object store (MinIO, s3rver, Ceph, R2...).",
        [
            OptionSpec.Text("endpoint", "Service URL of an S3-compatible server, e.g. http://127.0.0.1:9000; leave out for AWS S3."),
            OptionSpec.Text("region", "Region to sign requests for (and, on AWS, to send them to).", @default: "us-east-1"),
            OptionSpec.Text("access_key_id", "Access key id; with secret_access_key. Leave both out to use the AWS default credential chain (environment, profile, instance role)."),
            OptionSpec.Text("secret_access_key", "Secret access key; write it as ${VAR} so it stays out of files. Masked in logs, errors and run records."),
            OptionSpec.Text("session_token", "Session token of temporary credentials, as ${VAR}."),
            new("force_path_style", OptionKind.Boolean, "Address buckets as endpoint/bucket/key instead of bucket.endpoint/key. Default: true when endpoint is set, false for AWS."),
        ]);
}

/// <summary>An open client for one task, and how to name the server in messages.</summary>
internal sealed class S3Endpoint : IDisposable
{
    private S3Endpoint(IAmazonS3 client, string connection, string display)
    {
        Client = client;
        Connection = connection;
        Display = display;
    }

    public IAmazonS3 Client { get; }

    /// <summary>The connection's name, for messages that tell the user which settings to fix.</summary>
    public string Connection { get; }

    /// <summary>Where requests go, e.g. <c>http://127.0.0.1:9000</c> or <c>AWS S3 (eu-west-1)</c>; never a credential.</summary>
    public string Display { get; }

    public static S3Endpoint Open(TaskContext context) =>
        Open(context.Options.GetRequiredString("connection"), context.Connection(), context.Templates.Secrets);

    /// <summary>A client for a named connection's options (as tasks and the artifact store read them).</summary>
    public static S3Endpoint Open(string name, ConnectorOptions options, Templating.SecretMasker secrets)
    {
        var endpoint = options.GetString("endpoint");
        if (endpoint is not null && (!Uri.TryCreate(endpoint, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https")))
        {
            throw new NonRetryableException($"{options.LocationOf("endpoint")}: connection '{name}': endpoint '{endpoint}' is not an http(s) URL such as http://127.0.0.1:9000.");
        }

        bool? pathStyle = options.Has("force_path_style") ? options.GetBool("force_path_style") : null;
        return Create(name, endpoint, options.GetString("region") ?? "us-east-1", pathStyle, Credentials(secrets, options, name));
    }

    /// <summary>A client with the settings S3-compatible servers need; null credentials use the AWS default chain.</summary>
    internal static S3Endpoint Create(string connection, string? endpoint, string region, bool? forcePathStyle, AWSCredentials? credentials)
    {
        var config = new AmazonS3Config
        {
            ForcePathStyle = forcePathStyle ?? endpoint is not null,
            // WHEN_SUPPORTED (the v4 default) adds CRC trailers that S3-compatible servers may keep as object bytes.
            RequestChecksumCalculation = RequestChecksumCalculation.WHEN_REQUIRED,
            ResponseChecksumValidation = ResponseChecksumValidation.WHEN_REQUIRED,
        };
        if (endpoint is not null)
        {
            config.ServiceURL = endpoint;
            config.AuthenticationRegion = region;
        }
        else
        {
            config.RegionEndpoint = RegionEndpoint.GetBySystemName(region);
        }

        var client = credentials is null ? new AmazonS3Client(config) : new AmazonS3Client(credentials, config);
        return new S3Endpoint(client, connection, endpoint ?? $"AWS S3 ({region})");
    }

    private static AWSCredentials? Credentials(Templating.SecretMasker secrets, ConnectorOptions options, string name)
    {
        var id = options.GetString("access_key_id");
        var secret = options.GetString("secret_access_key");
        var token = options.GetString("session_token");
        // A secret written literally (not as ${VAR}) is still masked wherever this run writes text.
        secrets.Register(secret);
        secrets.Register(token);
        if (id is null && secret is null)
        {
            return null;
        }

        if (id is null || secret is null)
        {
            throw new NonRetryableException($"connection '{name}': give both access_key_id and secret_access_key, or neither to use the AWS default credential chain.");
        }

        return token is null ? new BasicAWSCredentials(id, secret) : new SessionAWSCredentials(id, secret, token);
    }

    public void Dispose() => Client.Dispose();
}
