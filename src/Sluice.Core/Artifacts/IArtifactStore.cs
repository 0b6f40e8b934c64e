using Sluice.Connectors;
using Sluice.Templating;

namespace Sluice.Artifacts;

/// <summary>
/// A shared place (a bucket) that every published dataset is copied to, so a task that runs on
/// another machine, or a resumed run on a fresh one, reads its inputs instead of extracting again.
/// The local folder stays the working copy; the store is the copy that outlives the machine.
/// </summary>
public interface IArtifactStore : IDisposable
{
    /// <summary>Where artifacts go, for messages, e.g. <c>s3://bucket/prefix</c>; never a credential.</summary>
    string Display { get; }

    /// <summary>Uploads a finished file under <paramref name="key"/>; readers see the old object or the whole new one.</summary>
    Task UploadAsync(string localPath, string key, CancellationToken cancellationToken);

    /// <summary>Downloads <paramref name="key"/> to <paramref name="localPath"/>; false when there is no such object.</summary>
    Task<bool> TryDownloadAsync(string key, string localPath, CancellationToken cancellationToken);

    Task<bool> ExistsAsync(string key, CancellationToken cancellationToken);
}

/// <summary>Opens artifact stores on connections of one type (registered by that type's provider project).</summary>
public interface IArtifactStoreProvider
{
    string ConnectionType { get; }

    /// <summary>What is wrong with a location, for validation (e.g. not an <c>s3://bucket/prefix</c> URL).</summary>
    IEnumerable<string> ValidateLocation(string location);

    IArtifactStore Open(string connectionName, ConnectorOptions connection, string location, SecretMasker secrets);
}
