namespace Sluice.Artifacts;

/// <summary>
/// <c>artifacts: { location: /shared/folder }</c>: published datasets are copied into a folder that
/// every worker mounts at the same path (NFS, SMB, or one machine's disk). A copy goes to a temporary
/// name in the same folder and is then renamed, so a reader sees the old file or the whole new one.
/// </summary>
internal sealed class FolderArtifactStore(string root) : IArtifactStore
{
    public string Display => root;

    public async Task UploadAsync(string localPath, string key, CancellationToken cancellationToken)
    {
        var target = PathOf(key);
        Directory.CreateDirectory(Path.GetDirectoryName(target)!);
        var partial = $"{target}.{Guid.NewGuid():N}.partial";
        try
        {
            await CopyAsync(localPath, partial, cancellationToken);
            File.Move(partial, target, overwrite: true);
        }
        finally
        {
            File.Delete(partial);
        }
    }

    public async Task<bool> TryDownloadAsync(string key, string localPath, CancellationToken cancellationToken)
    {
        var source = PathOf(key);
        if (!File.Exists(source))
        {
            return false;
        }

        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(localPath))!);
        await CopyAsync(source, localPath, cancellationToken);
        return true;
    }

    public Task<bool> ExistsAsync(string key, CancellationToken cancellationToken) => Task.FromResult(File.Exists(PathOf(key)));

    public void Dispose()
    {
    }

    private string PathOf(string key) => Path.Combine(root, key.Replace('/', Path.DirectorySeparatorChar));

    private static async Task CopyAsync(string from, string to, CancellationToken cancellationToken)
    {
        await using var source = new FileStream(from, FileMode.Open, FileAccess.Read, FileShare.Read, 1 << 20, useAsync: true);
        await using var target = new FileStream(to, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 20, useAsync: true);
        await source.CopyToAsync(target, cancellationToken);
    }
}
